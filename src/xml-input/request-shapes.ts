// POX bodies differ only in their address: every Outlook of one version posts the same bytes around
// `<EMailAddress>` (MS-OXDSCLI 2.2.4.1), and a whole company starts Outlook at 9:00 (issue 9). So a
// body is read once per shape: the address is cut out, the rest is read with a placeholder in its
// place, and later bodies of that shape take the fields with their own address put back.
//
// Why that gives the same answer as parsing the body itself: a shape is learnt only through the
// one-pass reader (read-common-request.ts), which accepts elements and plain text and nothing else (no
// reference, comment, CDATA, processing instruction or DTD), so the placeholder can come back as the
// address only from its literal text. It must occur once in the shape and be what the reader returns
// as `emailAddress`: then it is the whole text of the EMailAddress element. An address made of RFC
// 5322 characters is text to that reader too, so the body reads the same with it in the placeholder's
// place, and parse-request.ts would have read the body with that reader as well (no `<!` for its DTD
// check; size and UTF-8 are checked on the body itself). Anything else is parsed whole, every time.
// test/parse-request-paths.test.ts compares the two over thousands of generated bodies.
import type { AutodiscoverRequest, ParseResult } from './parse-request.js'
import { readCommonRequest } from './read-common-request.js'

// RFC 5322 atext, dots and `@`: what nearly every address is made of, all of it in the one-pass
// reader's text class, and no blank (trimmed), `&`, `<`, `>` or `]` (`]]>`).
const PLAIN_ADDRESS = /^[A-Za-z0-9!#$%'*+/=?^_`{|}~.@-]+$/
/** What stands in for the address while a shape is read (exported for tests that try to fool it). */
export const PLACEHOLDER = 'mailsetup-address@shape.invalid'
const TAG_END = 'EMailAddress>'
// A real deployment sees a few shapes (one per client version); emptied when full, so a stream of
// made-up shapes costs a read each and a bounded amount of memory.
const MAX_SHAPES = 64

type Shape = Omit<AutodiscoverRequest, 'emailAddress'> | null

/** A body's text around its address; a shape is known by the two. */
interface Cut {
  readonly prefix: string
  readonly address: string
  readonly suffix: string
}

interface KnownShape {
  readonly prefix: string
  readonly suffix: string
  readonly shape: Shape
}

// Found by the lengths of the text around the address, then by comparing that text: a Map keyed by
// the whole body with the placeholder hashed ~430 characters per request, which cost POX about 2.5 % of
// its time under load (perf) and 0.65 µs against 0.11 in a tight loop. Two shapes with the same text
// around the placeholder have the same key, and the reverse holds for every shape that is used: a
// shape whose key holds the placeholder twice is refused (null), and a null shape means "parse whole".
const shapes = new Map<number, KnownShape[]>()
let shapeTotal = 0

/** The text around the body's first `…EMailAddress>` text, and that text. */
function cutAddress(xml: string): Cut | undefined {
  const tag = xml.indexOf(TAG_END)
  if (tag === -1) return undefined
  const start = tag + TAG_END.length
  const end = xml.indexOf('<', start)
  if (end === -1) return undefined
  const address = xml.slice(start, end)
  if (!PLAIN_ADDRESS.test(address)) return undefined
  return { prefix: xml.slice(0, start), address, suffix: xml.slice(end) }
}

/** The other fields of `key`, when it can stand for every body of its shape; null when it cannot. */
function learnShape(key: string): Shape {
  if (key.indexOf(PLACEHOLDER) !== key.lastIndexOf(PLACEHOLDER)) return null
  const fields = readCommonRequest(key)
  if (fields?.emailAddress !== PLACEHOLDER) return null
  const { emailAddress: _placeholder, ...rest } = fields
  return rest
}

// Lengths past 2^20 may share a bucket with other lengths: harmless, as the text is compared.
const bucketOf = (cut: Cut) => cut.prefix.length * 2 ** 20 + cut.suffix.length

function shapeOf(cut: Cut): Shape {
  const key = bucketOf(cut)
  const bucket = shapes.get(key)
  if (bucket !== undefined) {
    for (const known of bucket)
      if (known.prefix === cut.prefix && known.suffix === cut.suffix) return known.shape
  }
  const shape = learnShape(cut.prefix + PLACEHOLDER + cut.suffix)
  if (shapeTotal >= MAX_SHAPES) {
    shapes.clear()
    shapeTotal = 0
  }
  const known = { prefix: cut.prefix, suffix: cut.suffix, shape }
  // Looked up again: the clear above may have dropped the bucket.
  const kept = shapes.get(key)
  if (kept === undefined) shapes.set(key, [known])
  else kept.push(known)
  shapeTotal++
  return shape
}

/**
 * What `parseWhole(xml)` gives, read from the body's shape when one like it was read before. The
 * shapes do not depend on `parseWhole`: they come from the one-pass reader alone.
 */
export function parseThroughShapes(xml: string, parseWhole: (xml: string) => ParseResult): ParseResult {
  const cut = cutAddress(xml)
  if (cut === undefined) return parseWhole(xml)
  const shape = shapeOf(cut)
  if (shape === null) return parseWhole(xml)
  return { ok: true, request: { emailAddress: cut.address, ...shape } }
}

/** How many shapes are kept (tests). */
export function shapeCount(): number {
  // Counted in the map itself, not taken from the counter that bounds it.
  let count = 0
  for (const bucket of shapes.values()) count += bucket.length
  return count
}
