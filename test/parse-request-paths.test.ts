// The one-pass reader of common Autodiscover bodies must never disagree with fast-xml-parser: for every
// body it accepts, both give the same fields; everything else is left to the full parser.
import fc from 'fast-check'
import t from 'tap'
import { parseAnyRequest, parseAutodiscoverRequest } from '../src/xml-input/parse-request.js'
import { readCommonRequest } from '../src/xml-input/read-common-request.js'
import {
  activeSyncBody,
  legacyDnBody,
  outlookBody,
  prefixedOutlookBody,
  thunderbirdBody,
} from './helpers/autodiscover-requests.js'

t.test('every real client body takes the one-pass reader, with the full parser’s fields', async (t) => {
  const bodies = [
    outlookBody('alice@example.com'),
    prefixedOutlookBody('alice@example.com'),
    legacyDnBody('alice@example.com'),
    legacyDnBody(),
    activeSyncBody('bob.smith+tag@example.org'),
    thunderbirdBody("o'brien@example.com"),
    '<Autodiscover><Request><EMailAddress>a@b.example</EMailAddress></Request></Autodiscover>',
  ]
  for (const body of bodies) {
    const common = readCommonRequest(body)
    t.ok(common, 'read in one pass')
    t.same({ ok: true, request: common }, parseAnyRequest(body))
    t.same(parseAutodiscoverRequest(Buffer.from(body)), parseAnyRequest(body))
  }
})

t.test('bodies outside the common shape are left to the full parser', async (t) => {
  const field = (inner: string) => `<Autodiscover><Request>${inner}</Request></Autodiscover>`
  const others = [
    field('<EMailAddress>a&amp;b@x.example</EMailAddress>'),
    field('<EMailAddress><![CDATA[a@x.example]]></EMailAddress>'),
    field('<!-- c --><EMailAddress>a@x.example</EMailAddress>'),
    field('<EMailAddress>ü@x.example</EMailAddress>'),
    field('<EMailAddress>a@x.example</EMailAddress><emailaddress>b@x.example</emailaddress>'),
    field('<EMailAddress><b>x</b></EMailAddress>'),
    field('text<EMailAddress>a@x.example</EMailAddress>'),
    '<Autodiscover><Request/></Autodiscover>',
    '<Autodiscover><Request></Request></Autodiscover>',
    '<Other><Request><EMailAddress>a@x.example</EMailAddress></Request></Other>',
    '<Autodiscover/>',
    `${field('<EMailAddress>a@x.example</EMailAddress>')}<Autodiscover/>`,
    ` <?xml version="1.0"?>${field('<EMailAddress>a@x.example</EMailAddress>')}`,
    '<Autodiscover><Request><EMailAddress>a@x.example</EMailAddress></Request>',
    '<Autodiscover a="1" a="2"><Request><X/></Request></Autodiscover>',
    '<Autodiscover><Request><EMailAddress>a]]>b</EMailAddress></Request></Autodiscover>',
    '<Autodiscover><Request><EMailAddress>a</EmailAddress></Request></Autodiscover>',
    field('<__proto__>a@x.example</__proto__><EMailAddress>a@x.example</EMailAddress>'),
    field('<constructor>x</constructor><EMailAddress>a@x.example</EMailAddress>'),
  ]
  for (const body of others) t.equal(readCommonRequest(body), undefined, body)
})

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
const document = fc
  .tuple(declaration, spaces, element, spaces, fc.constantFrom('', '', '<x/>'))
  .map((parts) => parts.join(''))
// The common shape itself, so that the property also runs over many accepted documents.
const commonDocument = fc
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

t.test('whatever the one-pass reader accepts, the full parser reads the same', async (t) => {
  let accepted = 0
  fc.assert(
    fc.property(fc.oneof(document, commonDocument), (body) => {
      const common = readCommonRequest(body)
      if (common === undefined) return true
      accepted++
      const full = parseAnyRequest(body)
      return full.ok && JSON.stringify(sortKeys(full.request)) === JSON.stringify(sortKeys(common))
    }),
    { numRuns: 3000, seed: 9 },
  )
  t.ok(accepted > 300, `the property ran over ${accepted} accepted bodies`)
})

function sortKeys(record: object): [string, unknown][] {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b))
}
