// Safe reading of a POX Autodiscover request body (MS-OXDSCLI 2.2.3). The body comes from anyone on
// the Internet, so: size cap, no DTD (entity expansion, external entities), well-formedness checked
// before parsing (fast-xml-parser's parser accepts `<x><y></x>`), entity processing off, elements
// matched by local name whatever their prefix (Outlook sends both `<a:Request>` and `<Request>`).
import { createRequire } from 'node:module'
import { readCommonRequest } from './read-common-request.js'
import { parseThroughShapes } from './request-shapes.js'

// fast-xml-parser's CommonJS build is one bundled file; its ES module build is dozens of files that
// take several times longer to load, and `serve` loads this module at start-up (issue 9).
const { XMLParser, XMLValidator } = createRequire(import.meta.url)(
  'fast-xml-parser',
) as typeof import('fast-xml-parser')

/** The request fields the service reads; absent ones stay undefined. */
export interface AutodiscoverRequest {
  readonly emailAddress?: string
  readonly legacyDn?: string
  readonly acceptableResponseSchema?: string
}

export type ParseResult = { ok: true; request: AutodiscoverRequest } | { ok: false; reason: string }

/** A real request is a few hundred bytes; the route's body limit enforces this before parsing. */
export const MAX_REQUEST_BYTES = 8 * 1024

const DTD = /<!(DOCTYPE|ENTITY)/i
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
})

// The five predefined entities and character references: decoded here, by a fixed table, because the
// parser's own entity processing is off (it would also honour DTD-declared entities).
const REFERENCE = /&(?:(amp|lt|gt|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/g
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function decodeReferences(text: string): string | undefined {
  // Any other `&name;` would be a DTD-declared entity, which is never honoured.
  if (text.replace(REFERENCE, '').includes('&')) return undefined
  return text.replace(REFERENCE, (_match, name?: string, dec?: string, hex?: string) => {
    if (name !== undefined) return NAMED[name] as string
    const code = dec === undefined ? Number.parseInt(hex as string, 16) : Number(dec)
    // Out-of-range references become U+FFFD; the address check then refuses them.
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd'
  })
}

/** A child by local name, case-insensitively (clients differ: `EMailAddress`, `EmailAddress`). */
function child(node: unknown, name: string): unknown {
  if (typeof node !== 'object' || node === null) return undefined
  const key = Object.keys(node).find((k) => k.toLowerCase() === name.toLowerCase())
  const value = key === undefined ? undefined : (node as Record<string, unknown>)[key]
  return Array.isArray(value) ? value[0] : value
}

/** Text of a leaf element; undefined when missing or empty, `null` when it is not plain text. */
function text(node: unknown, name: string): string | undefined | null {
  const value = child(node, name)
  if (value === undefined || value === '') return undefined
  if (typeof value !== 'string') return null
  return decodeReferences(value) ?? null
}

function toText(body: Buffer): string | undefined {
  try {
    return UTF8.decode(body)
  } catch {
    return undefined
  }
}

function parseTree(xml: string): Record<string, unknown> | undefined {
  if (XMLValidator.validate(xml) !== true) return undefined
  try {
    return parser.parse(xml) as Record<string, unknown>
  } catch {
    // Nesting over the parser's limit, a `__proto__` element: refused like any malformed body.
    return undefined
  }
}

/** Reads an Autodiscover request body; every failure is a short reason that never echoes the body. */
export function parseAutodiscoverRequest(body: Buffer | undefined): ParseResult {
  if (body === undefined || body.length === 0) return { ok: false, reason: 'empty body' }
  if (body.length > MAX_REQUEST_BYTES) return { ok: false, reason: 'body too large' }
  const xml = toText(body)
  if (xml === undefined) return { ok: false, reason: 'body is not UTF-8' }
  return parseThroughShapes(xml, parseRequestText)
}

/** A decoded body, without the shape cache (xml-input/request-shapes.ts): the reference it must match. */
export function parseRequestText(xml: string): ParseResult {
  // Nearly every body has no `<!` at all, which a plain search finds faster than the regex.
  if (xml.includes('<!') && DTD.test(xml))
    return { ok: false, reason: 'DTDs and entity declarations are refused' }
  const common = readCommonRequest(xml)
  return common === undefined ? parseAnyRequest(xml) : { ok: true, request: common }
}

/** Any other body: checked by fast-xml-parser's validator, then read from its parsed tree. */
export function parseAnyRequest(xml: string): ParseResult {
  const tree = parseTree(xml)
  if (tree === undefined) return { ok: false, reason: 'body is not well-formed XML' }
  const request = child(child(tree, 'Autodiscover'), 'Request')
  if (typeof request !== 'object' || request === null)
    return { ok: false, reason: 'no Autodiscover/Request element' }
  const fields = {
    emailAddress: text(request, 'EMailAddress'),
    legacyDn: text(request, 'LegacyDN'),
    acceptableResponseSchema: text(request, 'AcceptableResponseSchema'),
  }
  if (Object.values(fields).includes(null)) return { ok: false, reason: 'a request field is not plain text' }
  const present = Object.entries(fields).filter(([, value]) => value !== undefined)
  return { ok: true, request: Object.fromEntries(present) as AutodiscoverRequest }
}
