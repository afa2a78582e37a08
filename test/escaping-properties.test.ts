// Issue 5: generated addresses and config strings full of special characters; every document still
// parses and gives back exactly the value (one escaping path per format). Formats join as they land.
import fc from 'fast-check'
import t from 'tap'
import { parseAddress } from '../src/common/address.js'
import { activeSyncBody, outlookBody } from './helpers/autodiscover-requests.js'
import { appFor, appForExactText, baseConfig } from './helpers/settings.js'
import { parseStrictXml } from './helpers/strict-xml.js'

// Each property builds documents a few hundred times; the margin is for a machine shared with other runs.
t.setTimeout(180_000)

// Characters that break documents when escaping is missing, plus non-ASCII and look-alike markup.
const SPECIAL = [
  ...'<>&"\';:/?#[]@!$()*+,=\\`{}|^~.-_ aZ09',
  ']]>',
  '<!--',
  '&amp;',
  '\t',
  '\n',
  '\r',
  'ü',
  '中',
  '😀',
  '\u00a0',
  '\u2028',
  '\u0001',
  '%',
]
const LOCAL_CHARS = [...'!#$%&\'*+-/=?^_`{|}~."<>()[]\\,;:@aZ09', 'ü', '中', '😀', '&lt;', ']]>']

const text = (pieces: readonly string[], max: number) =>
  fc
    .array(fc.constantFrom(...pieces), { minLength: 1, maxLength: max })
    .map((a) => a.join(''))
    .filter((s) => s.length <= max)

/** What survives XML at all: characters XML 1.0 cannot carry are replaced (render/xml.ts). */
const asXml = (value: string) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\ufffd')

const DOMAINS: Record<string, string> = {
  'test.example': 'test.example',
  'TEST.Example.': 'test.example',
  'bücher.example': 'xn--bcher-kva.example',
  'XN--BCHER-KVA.example': 'xn--bcher-kva.example',
}

const ARRAYS = ['incomingServer', 'outgoingServer']

function autoconfigValues(body: string) {
  // biome-ignore lint/suspicious/noExplicitAny: a parsed document, read by the paths the test knows
  const root = parseStrictXml(body, ARRAYS).clientConfig as Record<string, any>
  const provider = root.emailProvider
  const servers = [...provider.incomingServer, ...provider.outgoingServer] as Record<string, string>[]
  return { root, provider, usernames: servers.map((s) => s.username) }
}

t.test('any address our parser accepts comes back exactly in every username', async (t) => {
  const app = appFor(baseConfig({ domains: [{ name: 'test.example' }, { name: 'bücher.example' }] }))
  t.teardown(() => app.close())
  const reference = await app.inject('/mail/config-v1.1.xml?emailaddress=x%40test.example')
  const localPart = text(LOCAL_CHARS, 40).filter((l) => parseAddress(`${l}@test.example`).ok)
  await fc.assert(
    fc.asyncProperty(localPart, fc.constantFrom(...Object.keys(DOMAINS)), async (local, domain) => {
      const address = `${local}@${domain}`
      const expected = `${local}@${DOMAINS[domain]}`
      const res = await app.inject(`/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`)
      t.equal(res.statusCode, 200)
      const { provider, usernames } = autoconfigValues(res.body)
      t.same(new Set(usernames), new Set([expected]))
      t.equal(provider.domain, DOMAINS[domain])
      if (domain === 'test.example') {
        // Same document for every mailbox, apart from the address itself: nothing to enumerate.
        const escaped = expected.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
        const normalised = res.body.replace(
          /&(amp|lt|gt|quot|apos);/g,
          (_m, e) => `&#${{ amp: 38, lt: 60, gt: 62, quot: 34, apos: 39 }[e as 'amp']};`,
        )
        t.equal(normalised.replaceAll(escaped, 'X'), reference.body.replaceAll('x@test.example', 'X'))
      }
    }),
    { numRuns: 100 },
  )
})

t.test('config strings full of special characters round-trip through autoconfig', async (t) => {
  const url = (host: string) =>
    text(
      SPECIAL.filter((c) => c !== '\u0001'),
      30,
    ).map((s) => `https://${host}/${s}`)
  const strings = fc.record({
    name: text(SPECIAL, 60),
    shortName: text(SPECIAL, 20),
    prefix: text(
      SPECIAL.filter((c) => c !== '%'),
      10,
    ),
    documentationUrl: url('help.test.example'),
    webmail: url('webmail.test.example'),
    caldavUrl: url('dav.test.example'),
  })
  await fc.assert(
    fc.asyncProperty(strings, async (s) => {
      const app = appForExactText(
        baseConfig({
          provider: {
            id: 'mail.test.example',
            name: s.name,
            shortName: s.shortName,
            documentationUrl: s.documentationUrl,
          },
          defaults: {
            ...(baseConfig().defaults as object),
            username: `${s.prefix}%EMAILLOCALPART%`,
            webmail: s.webmail,
            dav: { caldavUrl: s.caldavUrl },
          },
        }),
      )
      for (const query of ['?emailaddress=a%26b%40test.example', '']) {
        const res = await app.inject({
          url: `/mail/config-v1.1.xml${query}`,
          headers: { host: 'test.example' },
        })
        t.equal(res.statusCode, 200)
        const { root, provider, usernames } = autoconfigValues(res.body)
        t.equal(provider.displayName, asXml(s.name))
        t.equal(provider.displayShortName, asXml(s.shortName))
        t.equal(provider.documentation['@url'], s.documentationUrl)
        t.equal(provider.documentation.descr['#text'], `${asXml(s.name)} setup instructions`)
        t.same(
          new Set(usernames),
          new Set([`${asXml(s.prefix)}${query === '' ? '%EMAILLOCALPART%' : 'a&b'}`]),
        )
        t.equal(root.webMail.loginPage['@url'], s.webmail)
        t.equal(root.calendar.url, s.caldavUrl)
      }
      await app.close()
    }),
    { numRuns: 40 },
  )
})

// biome-ignore lint/suspicious/noExplicitAny: a parsed document, read by the paths the test knows
type Doc = Record<string, any>

const xmlText = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

t.test(
  'any address our parser accepts comes back exactly from POX Autodiscover (both schemas)',
  async (t) => {
    const exchange = { activeSyncUrl: 'https://eas.test.example/Microsoft-Server-ActiveSync' }
    const app = appFor(
      baseConfig({
        defaults: { ...(baseConfig().defaults as object), exchange },
        domains: [{ name: 'test.example' }, { name: 'bücher.example' }],
      }),
    )
    t.teardown(() => app.close())
    const localPart = text(LOCAL_CHARS, 40).filter((l) => parseAddress(`${l}@test.example`).ok)
    await fc.assert(
      fc.asyncProperty(localPart, fc.constantFrom(...Object.keys(DOMAINS)), async (local, domain) => {
        const expected = `${local}@${DOMAINS[domain]}`
        const post = (body: string) =>
          app.inject({
            method: 'POST',
            url: '/autodiscover/autodiscover.xml',
            headers: { 'content-type': 'text/xml' },
            payload: body,
          })
        const outlook = await post(outlookBody(xmlText(`${local}@${domain}`)))
        t.equal(outlook.statusCode, 200)
        const account = (parseStrictXml(outlook.body, ['Protocol']) as Doc).Autodiscover.Response.Account
        const logins = account.Protocol.map((p: Record<string, string>) => p.LoginName)
        t.same(new Set(logins), new Set([expected]), 'LoginName of every protocol')
        const sync = await post(activeSyncBody(xmlText(`${local}@${domain}`)))
        const user = (parseStrictXml(sync.body) as Doc).Autodiscover.Response.User
        t.equal(user.EMailAddress, expected)
      }),
      { numRuns: 60 },
    )
  },
)

t.test(
  'any address our parser accepts gets a JSON answer from Autodiscover v2, in both URL forms',
  async (t) => {
    const app = appFor(baseConfig({ service: { publicUrl: 'https://autodiscover.test.example' } }))
    t.teardown(() => app.close())
    const localPart = text(LOCAL_CHARS, 40).filter((l) => parseAddress(`${l}@test.example`).ok)
    await fc.assert(
      fc.asyncProperty(localPart, async (local) => {
        const address = encodeURIComponent(`${local}@test.example`)
        for (const url of [
          `/autodiscover/autodiscover.json?Email=${address}&Protocol=AutodiscoverV1`,
          `/autodiscover/autodiscover.json/v1.0/${address}?Protocol=AutodiscoverV1`,
        ]) {
          const res = await app.inject(url)
          t.equal(res.statusCode, 200, url)
          t.match(JSON.parse(res.body), { Protocol: 'AutodiscoverV1', Url: /^https:\/\// })
        }
      }),
      { numRuns: 60 },
    )
  },
)

/** Every `<key>name</key><string>value</string>` pair of a plist, values decoded as a parser would. */
function plistStrings(body: string, key: string): string[] {
  parseStrictXml(body)
  const decode = (v: string) =>
    v
      .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
      .replace(
        /&(amp|lt|gt|quot|apos);/g,
        (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e] as string,
      )
  const pairs = body.matchAll(new RegExp(`<key>${key}</key>\\s*<string>([^<]*)</string>`, 'g'))
  return [...pairs].map((m) => decode(m[1] as string))
}

t.test('Apple profiles: any address and provider name come back exactly from the plist', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      text(LOCAL_CHARS, 40).filter((l) => parseAddress(`${l}@test.example`).ok),
      text(SPECIAL, 60),
      async (local, name) => {
        const app = appForExactText(
          baseConfig({ provider: { id: 'mail.test.example', name, shortName: 'Short' } }),
        )
        const res = await app.inject(
          `/email.mobileconfig?email=${encodeURIComponent(`${local}@test.example`)}`,
        )
        t.equal(res.statusCode, 200)
        t.match(res.headers['content-type'], /^application\/x-apple-aspen-config/)
        const addresses = plistStrings(res.body, 'EmailAddress')
        t.ok(addresses.length > 0)
        t.same(new Set(addresses), new Set([`${local}@test.example`]))
        t.same(
          plistStrings(res.body, 'PayloadDisplayName').filter((v) => v.includes(' (')),
          [`${asXml(name)} (${local}@test.example)`],
        )
        await app.close()
      },
    ),
    { numRuns: 40 },
  )
})
