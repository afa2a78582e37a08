// POX bodies differ only in their address: every Outlook of one version posts the same bytes around
// `<EMailAddress>` (MS-OXDSCLI 2.2.4.1), and a whole company starts Outlook at 9:00 (issue 9). So a
// body is read once per shape: the address is cut out, the rest is parsed with a placeholder in its
// place, and later bodies of that shape take the parsed fields with their own address put back.
//
// Why that gives the same answer as parsing the body itself: the address and the placeholder are both
// runs of characters that mean nothing to an XML reader (no markup, reference, blank or `]`), so
// swapping one for the other changes no element, no other text and no check (the DTD test looks for
// `<!`; size and UTF-8 are checked on the body itself). The placeholder must then come back as the
// address, from that one place: a shape is kept only when the placeholder occurs once in it and is
// what the parse returns as `emailAddress`. Anything else (a comment, CDATA, blanks or a reference
// around the address, a refusal) is parsed whole, every time. test/parse-request-paths.test.ts
// compares the two over thousands of generated bodies.
import type { AutodiscoverRequest, ParseResult } from './parse-request.js'

// RFC 5322 atext, dots and `@`: what nearly every address is made of, and nothing XML reads specially.
const PLAIN_ADDRESS = /^[A-Za-z0-9!#$%'*+/=?^_`{|}~.@-]+$/
const PLACEHOLDER = 'mailsetup-address@shape.invalid'
const TAG_END = 'EMailAddress>'
// A real deployment sees a few shapes (one per client version); emptied when full, so a stream of
// made-up shapes costs one extra parse each and a bounded amount of memory.
const MAX_SHAPES = 64

type Shape = Omit<AutodiscoverRequest, 'emailAddress'> | null

const shapes = new Map<string, Shape>()

/** The body with its first `…EMailAddress>` text swapped for the placeholder, and that text. */
function cutAddress(xml: string): { key: string; address: string } | undefined {
  const tag = xml.indexOf(TAG_END)
  if (tag === -1) return undefined
  const start = tag + TAG_END.length
  const end = xml.indexOf('<', start)
  if (end === -1) return undefined
  const address = xml.slice(start, end)
  if (!PLAIN_ADDRESS.test(address)) return undefined
  return { key: xml.slice(0, start) + PLACEHOLDER + xml.slice(end), address }
}

/** What `key` parses to, when it can stand for every body of its shape; null when it cannot. */
function learnShape(key: string, parse: (xml: string) => ParseResult): Shape {
  if (key.indexOf(PLACEHOLDER) !== key.lastIndexOf(PLACEHOLDER)) return null
  const parsed = parse(key)
  if (!parsed.ok || parsed.request.emailAddress !== PLACEHOLDER) return null
  const { emailAddress: _placeholder, ...rest } = parsed.request
  return rest
}

/** `parse(xml)`, read from the body's shape when one like it was parsed before. */
export function parseThroughShapes(xml: string, parse: (xml: string) => ParseResult): ParseResult {
  const cut = cutAddress(xml)
  if (cut === undefined) return parse(xml)
  let shape = shapes.get(cut.key)
  if (shape === undefined) {
    shape = learnShape(cut.key, parse)
    if (shapes.size >= MAX_SHAPES) shapes.clear()
    shapes.set(cut.key, shape)
  }
  if (shape === null) return parse(xml)
  return { ok: true, request: { emailAddress: cut.address, ...shape } }
}

/** How many shapes are kept (tests). */
export function shapeCount(): number {
  return shapes.size
}
