// A strict reader for Apple XML plists that keeps each value's element type (<integer> vs <string>
// vs <real>), so tests can check the types iOS insists on. Written independently of the renderer.
import { XMLParser, XMLValidator } from 'fast-xml-parser'

export type TypedValue =
  | { type: 'string'; value: string }
  | { type: 'integer'; value: number }
  | { type: 'real'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'array'; value: TypedValue[] }
  | { type: 'dict'; value: Map<string, TypedValue> }

type Node = Record<string, unknown>

function text(children: unknown): string {
  const list = children as Node[]
  return list.length === 0 ? '' : String(list[0]?.['#text'] ?? '')
}

function read(node: Node): TypedValue {
  const tag = Object.keys(node).find((k) => k !== ':@') as string
  const children = node[tag] as Node[]
  switch (tag) {
    case 'string':
      return { type: 'string', value: text(children) }
    case 'integer': {
      const raw = text(children)
      if (!/^-?\d+$/.test(raw)) throw new Error(`<integer> holds "${raw}"`)
      return { type: 'integer', value: Number(raw) }
    }
    case 'real':
      return { type: 'real', value: Number(text(children)) }
    case 'true':
    case 'false':
      if (children.length > 0) throw new Error(`<${tag}> must be empty`)
      return { type: 'boolean', value: tag === 'true' }
    case 'array':
      return { type: 'array', value: children.map(read) }
    case 'dict':
      return { type: 'dict', value: readDict(children) }
    default:
      throw new Error(`unexpected plist element <${tag}>`)
  }
}

function readDict(children: Node[]): Map<string, TypedValue> {
  const out = new Map<string, TypedValue>()
  for (let i = 0; i < children.length; i += 2) {
    const keyNode = children[i] as Node
    if (!('key' in keyNode)) throw new Error('dict entry without <key>')
    const key = text(keyNode.key)
    if (out.has(key)) throw new Error(`duplicate key ${key}`)
    const valueNode = children[i + 1]
    if (valueNode === undefined) throw new Error(`key ${key} has no value`)
    out.set(key, read(valueNode))
  }
  return out
}

/** The top-level value of a plist document; throws on anything a strict reader would refuse. */
export function parsePlist(xml: string): TypedValue {
  const valid = XMLValidator.validate(xml)
  if (valid !== true) throw new Error(`invalid XML: ${valid.err.msg} at line ${valid.err.line}`)
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    parseTagValue: false,
    trimValues: true,
    processEntities: true,
  })
  const doc = parser.parse(xml) as Node[]
  const plist = doc.find((n) => 'plist' in n) as Node
  const values = (plist.plist as Node[]).filter((n) => !('#text' in n))
  if (values.length !== 1) throw new Error('a plist holds exactly one value')
  return read(values[0] as Node)
}

/** Plain JavaScript form of a typed value, for comparing whole structures. */
export function plain(value: TypedValue): unknown {
  if (value.type === 'array') return value.value.map(plain)
  if (value.type === 'dict') return Object.fromEntries([...value.value].map(([k, v]) => [k, plain(v)]))
  return value.value
}

/** The key → type map of a dict, e.g. `{ PayloadVersion: 'integer' }`. */
export function keyTypes(value: TypedValue): Record<string, string> {
  if (value.type !== 'dict') throw new Error(`expected a dict, got ${value.type}`)
  return Object.fromEntries([...value.value].map(([k, v]) => [k, v.type]))
}
