// Generated Autodiscover request bodies, in and out of the shape real clients send, and ways to compare
// how the request readers read them (test/parse-request-paths.test.ts).
import fc from 'fast-check'
import { type ParseResult, parseRequestText } from '../../src/xml-input/parse-request.js'
import { PLACEHOLDER } from '../../src/xml-input/request-shapes.js'

/** What the shape cache puts in place of an address, and its two parts, to spell it other ways. */
export { PLACEHOLDER }
export const PLACEHOLDER_LOCAL = PLACEHOLDER.slice(0, PLACEHOLDER.indexOf('@'))
export const PLACEHOLDER_DOMAIN = PLACEHOLDER.slice(PLACEHOLDER.indexOf('@') + 1)
const TAG_END = 'EMailAddress>'

/** parseRequestText, counting its calls. */
export function countingParse() {
  const counter = {
    calls: 0,
    parse: (xml: string): ParseResult => {
      counter.calls++
      return parseRequestText(xml)
    },
  }
  return counter
}

/** A parse result with its fields sorted: key order is not part of the answer. */
export function canonical(result: ParseResult): string {
  return JSON.stringify(
    result.ok ? Object.entries(result.request).sort(([a], [b]) => a.localeCompare(b)) : result,
  )
}

/** `body` with another text where the shape cache cuts (after the first `EMailAddress>`). */
export function withAddress(body: string, address: string): string {
  const tag = body.indexOf(TAG_END)
  const end = tag === -1 ? -1 : body.indexOf('<', tag + TAG_END.length)
  return end === -1 ? body : body.slice(0, tag + TAG_END.length) + address + body.slice(end)
}

// Documents built from the pieces clients and attackers use, in and out of the common shape.
const spaces = fc.constantFrom('', ' ', '\n  ', '\r\n', '\t')
const local = fc.constantFrom(
  'Autodiscover',
  'autodiscover',
  'Request',
  'request',
  'EMailAddress',
  'EmailAddress',
  'LegacyDN',
  'AcceptableResponseSchema',
  'Other',
  'x-y.z',
  '__proto__',
  'constructor',
)
const name = fc.tuple(fc.constantFrom('', '', 'a:', 'X:'), local).map(([p, l]) => p + l)
const attributes = fc
  .array(fc.constantFrom(' xmlns="urn:x"', ' xmlns:a="http://x/"', " a='1'", ' b = "x>y"', ' a="&amp;"'), {
    maxLength: 2,
  })
  .map((list) => list.join(''))
const text = fc.constantFrom(
  'alice@example.com',
  ' a@b.example ',
  '',
  '   ',
  'x&amp;y@z.example',
  'ü@x.example',
  'a]]>b',
  'x>y',
  '<![CDATA[c@d.example]]>',
  '<!-- c -->',
  '&#65;@x.example',
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
)
const { element } = fc.letrec<{ element: string }>((tie) => ({
  element: fc
    .tuple(
      name,
      attributes,
      fc.oneof(
        { weight: 1, arbitrary: fc.constant(null) },
        { weight: 2, arbitrary: text },
        { weight: 3, arbitrary: fc.array(fc.tuple(spaces, tie('element')), { maxLength: 3 }) },
      ),
      fc.constantFrom(true, true, true, true, false),
    )
    .map(([tag, attrs, content, matched]) => {
      if (content === null) return `<${tag}${attrs}/>`
      const inner = typeof content === 'string' ? content : content.map(([s, e]) => s + e).join('')
      return `<${tag}${attrs}>${inner}</${matched ? tag : 'Wrong'}>`
    }),
}))
const declaration = fc.constantFrom(
  '',
  '<?xml version="1.0" encoding="utf-8"?>',
  "<?xml version='1.0'?>\n",
  '<?xml version="1.1"?>',
  '<?xml encoding="utf-8"?>',
)
export const document = fc
  .tuple(declaration, spaces, element, spaces, fc.constantFrom('', '', '<x/>'))
  .map((parts) => parts.join(''))
// The common shape itself, so that the property also runs over many accepted documents.
export const commonDocument = fc
  .tuple(
    declaration,
    fc.constantFrom('Autodiscover', 'a:Autodiscover'),
    fc.uniqueArray(fc.constantFrom('EMailAddress', 'LegacyDN', 'AcceptableResponseSchema', 'Other'), {
      minLength: 1,
    }),
    text,
  )
  .map(([decl, root, leaves, value]) => {
    const inner = leaves.map((leaf) => `<${leaf}>${value}</${leaf}>`).join('\n')
    return `${decl}<${root} xmlns="urn:x"><Request>${inner}</Request></${root}>`
  })
