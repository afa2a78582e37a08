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
import { commonDocument, document } from './helpers/request-bodies.js'

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
