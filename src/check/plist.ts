// Reads an XML property list (Apple configuration profiles) into plain values, for `mailsetup check`.
import { XMLParser, XMLValidator } from 'fast-xml-parser'

export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue }

type OrderedNode = Record<string, unknown>

function tagOf(node: OrderedNode): string {
  return Object.keys(node).find((k) => k !== ':@') as string
}

/** Element children only: the whitespace between elements of a pretty-printed plist is dropped. */
function elements(node: OrderedNode): OrderedNode[] {
  return (node[tagOf(node)] as OrderedNode[]).filter((c) => tagOf(c) !== '#text')
}

function textOf(node: OrderedNode): string {
  return (node[tagOf(node)] as OrderedNode[]).map((c) => String(c['#text'] ?? '')).join('')
}

function toValue(node: OrderedNode): PlistValue {
  const tag = tagOf(node)
  if (tag === 'dict') {
    const out: Record<string, PlistValue> = {}
    const items = elements(node)
    for (let i = 0; i + 1 < items.length; i += 2)
      out[textOf(items[i] as OrderedNode)] = toValue(items[i + 1] as OrderedNode)
    return out
  }
  if (tag === 'array') return elements(node).map(toValue)
  if (tag === 'true' || tag === 'false') return tag === 'true'
  // An empty <integer/> reads as NaN, so a check can tell it from a number (iOS refuses it).
  if (tag === 'integer' || tag === 'real')
    return /^\s*-?\d+(\.\d+)?\s*$/.test(textOf(node)) ? Number(textOf(node)) : Number.NaN
  return textOf(node)
}

/** The top-level value, or undefined when the text is not a well-formed plist. */
export function readPlist(xml: string): PlistValue | undefined {
  if (XMLValidator.validate(xml) !== true) return undefined
  const parser = new XMLParser({
    preserveOrder: true,
    parseTagValue: false,
    trimValues: false,
    processEntities: true,
  })
  const root = (parser.parse(xml) as OrderedNode[]).find((n) => tagOf(n) === 'plist')
  const value = root === undefined ? undefined : elements(root)[0]
  return value === undefined ? undefined : toValue(value)
}
