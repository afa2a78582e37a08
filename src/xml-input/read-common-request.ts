// A one-pass reader for the Autodiscover request bodies that clients actually send (MS-OXDSCLI
// 2.2.4.1: Outlook, ActiveSync devices, Thunderbird, FairEmail): an optional XML declaration and three
// levels of elements holding plain ASCII text. It accepts a strict subset of well-formed XML and
// returns undefined for anything else (comments, CDATA, references, non-ASCII text, deeper nesting,
// repeated names, any refusal), which then goes through fast-xml-parser's validator and parser. Both
// paths give the same fields for every body this one accepts (test/parse-request-paths.test.ts);
// this one exists because validating and parsing twice cost most of a POX request's time (issue 9).
import type { AutodiscoverRequest } from './parse-request.js'

const NAME = '[A-Za-z_][A-Za-z0-9._-]*(?::[A-Za-z_][A-Za-z0-9._-]*)?'
// Printable ASCII without `"`, `&`, `<`; references and other characters are left to the full parser.
const VALUE = `"[\\t\\n\\r !#-%'-;=-~]*"|'[\\t\\n\\r -%(-;=-~]*'`
const DECLARATION =
  /<\?xml\s+version\s*=\s*(?:"1\.0"|'1\.0')(?:\s+encoding\s*=\s*(?:"[A-Za-z][\w.-]*"|'[A-Za-z][\w.-]*'))?\s*\?>/y
const OPEN = new RegExp(`<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:${VALUE}))*)\\s*(/?)>`, 'y')
const CLOSE = new RegExp(`</(${NAME})\\s*>`, 'y')
// Text and blanks are scanned a character at a time against tables made from these classes, not
// matched by a regex call per run: 3.8 → 3.3 µs per Outlook body in a tight loop.
const TEXT_CHARACTER = /[\t\n\r -%'-;=-~]/
const BLANK_CHARACTER = /[\t\n\r ]/
const ATTRIBUTE_NAME = new RegExp(`(${NAME})\\s*=`, 'g')
// Names fast-xml-parser refuses ("[SECURITY] Invalid name"); left to it, so both paths refuse them.
const RESERVED = /__proto__|constructor|prototype/i

const FIELDS: Readonly<Record<string, keyof AutodiscoverRequest>> = {
  emailaddress: 'emailAddress',
  legacydn: 'legacyDn',
  acceptableresponseschema: 'acceptableResponseSchema',
}

interface Element {
  readonly name: string
  /** Lower-cased, without a namespace prefix: what names are compared by. */
  readonly local: string
  readonly depth: number
  /** A child of the first `Request`: one of the fields. */
  readonly field: boolean
  /** Local names of the children so far. */
  readonly seen: Set<string>
  text: string
}

const SLASH = 0x2f

/** Which ASCII characters `pattern` matches; everything from 128 on is outside. */
function asciiTable(pattern: RegExp): Uint8Array {
  return Uint8Array.from({ length: 128 }, (_, code) => (pattern.test(String.fromCharCode(code)) ? 1 : 0))
}

const IS_TEXT = asciiTable(TEXT_CHARACTER)
const IS_BLANK = asciiTable(BLANK_CHARACTER)

/** The end of the run of `table`'s characters that starts at `at`. */
function runEnd(table: Uint8Array, text: string, at: number): number {
  let end = at
  while (end < text.length && table[text.charCodeAt(end)] === 1) end++
  return end
}

const isBlank = (text: string) => runEnd(IS_BLANK, text, 0) === text.length

const localName = (name: string) => name.slice(name.indexOf(':') + 1).toLowerCase()

/** Well-formedness asks for distinct attribute names; `xmlns` and `xmlns:a` are distinct. */
function distinctAttributes(attributes: string): boolean {
  if (attributes.indexOf('=') === attributes.lastIndexOf('=')) return true
  const names = [...attributes.matchAll(ATTRIBUTE_NAME)].map((m) => m[1])
  return new Set(names).size === names.length
}

function matchAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at
  return pattern.exec(text)
}

/** The request's fields, or undefined when the body is not in the common shape. */
export function readCommonRequest(xml: string): AutodiscoverRequest | undefined {
  let at = matchAt(DECLARATION, xml, 0)?.[0].length ?? 0
  const open: Element[] = []
  const fields: Record<string, string> = {}
  let request: Element | undefined
  for (;;) {
    const end = runEnd(IS_TEXT, xml, at)
    const parent = open.at(-1)
    if (end > at) {
      const text = xml.slice(at, end)
      if (parent === undefined ? !isBlank(text) : !addText(parent, text)) return undefined
      at = end
    }
    if (at === xml.length) return undefined
    // Text stops only at `<`, `&` or a character it leaves to the full parser; `</` can only close.
    if (xml.charCodeAt(at + 1) === SLASH) {
      const close = matchAt(CLOSE, xml, at)
      const element = open.pop()
      if (close === null || element === undefined || element.name !== close[1]) return undefined
      if (element.field) keepField(fields, element)
      at += close[0].length
      if (open.length === 0)
        return (request?.seen.size ?? 0) > 0 && runEnd(IS_BLANK, xml, at) === xml.length ? fields : undefined
      continue
    }
    const tag = matchAt(OPEN, xml, at)
    if (tag === null || RESERVED.test(tag[0]) || !distinctAttributes(tag[2] as string)) return undefined
    at += tag[0].length
    const element = openElement(tag[1] as string, parent, request)
    if (element === undefined) return undefined
    if (element.depth === 2 && request === undefined && element.local === 'request') request = element
    if (tag[3] !== '/') open.push(element)
    else if (element.field) keepField(fields, element)
    else if (element.depth === 1) return undefined
  }
}

/** Three levels at most, the root an `Autodiscover`, and no name twice under one parent. */
function openElement(name: string, parent: Element | undefined, request: Element | undefined) {
  const local = localName(name)
  if (parent === undefined) {
    return local === 'autodiscover'
      ? { name, local, depth: 1, field: false, seen: new Set<string>(), text: '' }
      : undefined
  }
  if (parent.depth >= 3 || parent.seen.has(local)) return undefined
  parent.seen.add(local)
  return {
    name,
    local,
    depth: parent.depth + 1,
    field: parent === request,
    seen: new Set<string>(),
    text: '',
  }
}

/** Text is whitespace around elements, except in the leaves (depth 3), which hold only text. */
function addText(parent: Element, text: string): boolean {
  if (text.includes(']]>')) return false
  if (parent.depth < 3) return isBlank(text)
  parent.text += text
  return true
}

function keepField(fields: Record<string, string>, element: Element): void {
  const key = Object.hasOwn(FIELDS, element.local) ? FIELDS[element.local] : undefined
  const value = element.text.trim()
  if (key !== undefined && value !== '') fields[key] = value
}
