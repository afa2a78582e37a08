import t from 'tap'
import { parse as parsePlistWithPlist } from 'plist'
import { DNS_NAMESPACE, nameUuid } from '../src/common/name-uuid.js'
import { renderPlist } from '../src/render/plist.js'
import { profileViolations } from './helpers/apple-rules.js'
import { type TypedValue, keyTypes, parsePlist, plain } from './helpers/plist.js'
import { appFor, baseConfig, loadConfig } from './helpers/settings.js'

type Json = Record<string, unknown>

const DAV = {
  caldavUrl: 'https://dav.test.example/caldav/',
  carddavUrl: 'https://dav.test.example:8443/card/',
}
const POP_ONLY = [
  { type: 'pop3', hostname: 'pop.test.example', port: 995, security: 'tls' },
  { type: 'pop3', hostname: 'pop.test.example', port: 110, security: 'starttls' },
]

function withDefaults(extra: Json): Json {
  const config = baseConfig()
  return { ...config, defaults: { ...(config.defaults as Json), ...extra } }
}

async function fetchProfile(config: Json, query = 'email=alice@test.example') {
  const app = appFor(config)
  const response = await app.inject({ url: `/email.mobileconfig?${query}` })
  await app.close()
  return response
}

async function profileOf(config: Json, query?: string) {
  const response = await fetchProfile(config, query)
  if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}: ${response.body}`)
  const root = parsePlist(response.body)
  return { response, root, doc: plain(root) as Json }
}

function payloads(root: TypedValue): TypedValue[] {
  const content = (root as { value: Map<string, TypedValue> }).value.get('PayloadContent')
  return (content as { value: TypedValue[] }).value
}

const payloadTypes = (doc: Json) => (doc.PayloadContent as Json[]).map((p) => p.PayloadType)

const MAIL_TYPES = {
  EmailAccountType: 'string',
  EmailAddress: 'string',
  IncomingMailServerHostName: 'string',
  IncomingMailServerPortNumber: 'integer',
  IncomingMailServerUseSSL: 'boolean',
  IncomingMailServerUsername: 'string',
  IncomingMailServerAuthentication: 'string',
  OutgoingMailServerHostName: 'string',
  OutgoingMailServerPortNumber: 'integer',
  OutgoingMailServerUseSSL: 'boolean',
  OutgoingMailServerUsername: 'string',
  OutgoingMailServerAuthentication: 'string',
  OutgoingPasswordSameAsIncomingPassword: 'boolean',
  PayloadVersion: 'integer',
}

t.test('IMAP-only: one mail payload with the types Apple expects', async (t) => {
  const { response, root, doc } = await profileOf(baseConfig())
  t.equal(response.headers['content-type'], 'application/x-apple-aspen-config')
  t.equal(response.headers['content-disposition'], 'attachment; filename="test.example.mobileconfig"')
  t.ok(response.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC'))
  t.same(profileViolations(root), [])
  t.match(keyTypes(root), { PayloadType: 'string', PayloadVersion: 'integer', PayloadContent: 'array' })
  t.equal(doc.PayloadType, 'Configuration')
  t.match(doc.PayloadIdentifier, /^example\.test\.mail\.mailsetup\.[0-9a-f-]{36}$/)
  t.same(payloadTypes(doc), ['com.apple.mail.managed'])
  const mail = payloads(root)[0] as TypedValue
  t.match(keyTypes(mail), MAIL_TYPES)
  t.match(plain(mail), {
    EmailAccountType: 'EmailTypeIMAP',
    EmailAddress: 'alice@test.example',
    IncomingMailServerHostName: 'imap.test.example',
    IncomingMailServerPortNumber: 993,
    IncomingMailServerUseSSL: true,
    IncomingMailServerUsername: 'alice@test.example',
    IncomingMailServerAuthentication: 'EmailAuthPassword',
    OutgoingMailServerHostName: 'smtp.test.example',
    OutgoingMailServerPortNumber: 465,
    OutgoingMailServerUseSSL: true,
    OutgoingPasswordSameAsIncomingPassword: true,
  })
  t.notMatch(response.body, /Password<\/key>\s*<string>/, 'no password is embedded')
})

t.test('POP-only: EmailTypePOP, and STARTTLS counts as UseSSL', async (t) => {
  const config = withDefaults({
    incoming: [...POP_ONLY].reverse(),
    outgoing: [{ type: 'smtp', hostname: 'smtp.test.example', port: 587, security: 'starttls' }],
  })
  const { root, doc } = await profileOf(config)
  t.same(profileViolations(root), [])
  const mail = payloads(root)[0] as TypedValue
  t.match(keyTypes(mail), MAIL_TYPES)
  t.match(plain(mail), {
    EmailAccountType: 'EmailTypePOP',
    IncomingMailServerPortNumber: 110,
    IncomingMailServerUseSSL: true,
    OutgoingMailServerPortNumber: 587,
    OutgoingMailServerUseSSL: true,
  })
  t.same(payloadTypes(doc), ['com.apple.mail.managed'])
})

t.test('IMAP is preferred over POP3, whatever the order; TLS over plain', async (t) => {
  const config = withDefaults({
    incoming: [
      POP_ONLY[0],
      { type: 'imap', hostname: 'plain.test.example', port: 143, security: 'none' },
      { type: 'imap', hostname: 'imap.test.example', port: 143, security: 'starttls' },
    ],
  })
  const mail = (await profileOf(config)).doc.PayloadContent as Json[]
  t.match(mail[0], { EmailAccountType: 'EmailTypeIMAP', IncomingMailServerHostName: 'imap.test.example' })
})

t.test('with DAV: CalDAV and CardDAV payloads with integer ports and boolean SSL', async (t) => {
  const { root, doc } = await profileOf(withDefaults({ dav: DAV }))
  t.same(profileViolations(root), [])
  t.same(payloadTypes(doc), [
    'com.apple.mail.managed',
    'com.apple.caldav.account',
    'com.apple.carddav.account',
  ])
  const [, caldav, carddav] = payloads(root) as TypedValue[]
  t.match(keyTypes(caldav as TypedValue), {
    CalDAVPort: 'integer',
    CalDAVUseSSL: 'boolean',
    CalDAVHostName: 'string',
  })
  t.match(plain(caldav as TypedValue), {
    CalDAVHostName: 'dav.test.example',
    CalDAVPort: 443,
    CalDAVUseSSL: true,
    CalDAVPrincipalURL: DAV.caldavUrl,
    CalDAVUsername: 'alice@test.example',
  })
  t.match(keyTypes(carddav as TypedValue), { CardDAVPort: 'integer', CardDAVUseSSL: 'boolean' })
  t.match(plain(carddav as TypedValue), { CardDAVHostName: 'dav.test.example', CardDAVPort: 8443 })
})

t.test('a plain-http DAV URL gets port 80 and UseSSL false; only CalDAV when only it is set', async (t) => {
  const { doc } = await profileOf(withDefaults({ dav: { caldavUrl: 'http://cal.test.example/' } }))
  t.same(payloadTypes(doc), ['com.apple.mail.managed', 'com.apple.caldav.account'])
  t.match((doc.PayloadContent as Json[])[1], { CalDAVPort: 80, CalDAVUseSSL: false })
})

t.test('with ActiveSync preferred: one EAS payload replaces IMAP and DAV', async (t) => {
  const config = withDefaults({
    dav: DAV,
    exchange: { activeSyncUrl: 'https://eas.test.example/Microsoft-Server-ActiveSync' },
    apple: { preferActiveSync: true },
  })
  const { root, doc } = await profileOf(config)
  t.same(profileViolations(root), [])
  t.same(payloadTypes(doc), ['com.apple.eas.account'])
  const eas = payloads(root)[0] as TypedValue
  t.match(keyTypes(eas), { EmailAddress: 'string', Host: 'string', SSL: 'boolean', UserName: 'string' })
  t.match(plain(eas), { Host: 'eas.test.example', SSL: true, UserName: 'alice@test.example' })
  const notPreferred = await profileOf(
    withDefaults({ exchange: { activeSyncUrl: 'https://eas.test.example/' } }),
  )
  t.same(payloadTypes(notPreferred.doc), ['com.apple.mail.managed'], 'ActiveSync only when preferred')
})

t.test('preferActiveSync without an ActiveSync URL warns and serves IMAP', async (t) => {
  const { warnings } = loadConfig(withDefaults({ apple: { preferActiveSync: true } }))
  t.match(warnings, [{ path: 'domains[0]', message: /activeSyncUrl is not set/ }])
  const { doc } = await profileOf(withDefaults({ apple: { preferActiveSync: true } }))
  t.same(payloadTypes(doc), ['com.apple.mail.managed'])
  const bad = () => loadConfig(withDefaults({ apple: { preferActiveSync: 'yes' } }))
  t.throws(bad, /problem/)
})

t.test('authentication and usernames follow the servers', async (t) => {
  const config = withDefaults({
    incoming: [
      {
        type: 'imap',
        hostname: 'imap.test.example',
        port: 993,
        security: 'tls',
        authentication: ['OAuth2', 'password-encrypted'],
        username: 'localpart',
      },
    ],
    outgoing: [
      {
        type: 'smtp',
        hostname: 'smtp.test.example',
        port: 465,
        security: 'tls',
        authentication: ['OAuth2'],
      },
    ],
  })
  const mail = ((await profileOf(config)).doc.PayloadContent as Json[])[0]
  t.match(mail, {
    IncomingMailServerAuthentication: 'EmailAuthCRAMMD5',
    IncomingMailServerUsername: 'alice',
    OutgoingMailServerAuthentication: 'EmailAuthPassword',
    OutgoingMailServerUsername: 'alice@test.example',
    OutgoingPasswordSameAsIncomingPassword: false,
  })
  const plainOnly = withDefaults({
    incoming: [{ type: 'imap', hostname: 'imap.test.example', port: 143, security: 'none' }],
  })
  const insecure = ((await profileOf(plainOnly)).doc.PayloadContent as Json[])[0]
  t.match(insecure, { IncomingMailServerUseSSL: false }, 'a server without TLS only when it is the only one')
})

t.test('the same address gives byte-identical profiles; other addresses other UUIDs', async (t) => {
  const config = withDefaults({ dav: DAV })
  const first = await fetchProfile(config)
  const second = await fetchProfile(config, 'emailaddress=alice@test.example')
  t.equal(first.body, second.body, '`emailaddress` works too, and the bytes are equal')
  const bob = await profileOf(config, 'email=bob@test.example')
  const alice = plain(parsePlist(first.body)) as Json
  const uuids = (doc: Json) => [doc.PayloadUUID, ...(doc.PayloadContent as Json[]).map((p) => p.PayloadUUID)]
  const shared = uuids(alice).filter((u) => uuids(bob.doc).includes(u))
  t.same(shared, [], 'no UUID is shared between two addresses')
  t.not(alice.PayloadIdentifier, bob.doc.PayloadIdentifier, 'two accounts can sit side by side')
  const expected = nameUuid(nameUuid(DNS_NAMESPACE, 'mail.test.example'), 'alice@test.example\nprofile')
  t.equal(alice.PayloadUUID, expected, 'UUIDs are name-based from provider and address')
})

t.test('name-based UUIDs follow RFC 9562 (version 5 test vector)', async (t) => {
  t.equal(nameUuid(DNS_NAMESPACE, 'www.example.com'), '2ED6657D-E927-568B-95E1-2665A8AEA6A2')
})

t.test('addresses and names with &, <, quotes and non-ASCII round-trip', async (t) => {
  const name = 'Ünïcødé & <Söhne> "Mail" \'Ω\''
  const config = baseConfig({
    provider: { id: 'mail.test.example', name, shortName: 'Ü&<' },
    domains: [{ name: 'bücher.example' }],
  })
  const address = 'o\'brien&"<x>ü@Bücher.Example'
  const { response, root, doc } = await profileOf(config, `email=${encodeURIComponent(address)}`)
  t.same(profileViolations(root), [])
  const expected = 'o\'brien&"<x>ü@xn--bcher-kva.example'
  t.equal(
    response.headers['content-disposition'],
    'attachment; filename="xn--bcher-kva.example.mobileconfig"',
  )
  const mail = (doc.PayloadContent as Json[])[0] as Json
  t.equal(mail.EmailAddress, expected)
  t.equal(mail.PayloadOrganization, name)
  t.equal(doc.PayloadDisplayName, `${name} (${expected})`)
  const other = parsePlistWithPlist(response.body) as Json
  t.equal(((other.PayloadContent as Json[])[0] as Json).IncomingMailServerUsername, expected, 'plist agrees')
  t.equal(other.PayloadOrganization, name)
})

t.test('bad requests get a one-line reason', async (t) => {
  const missing = await fetchProfile(baseConfig(), '')
  t.equal(missing.statusCode, 400)
  t.match(missing.body, /\/setup/)
  t.equal(missing.body.trim().split('\n').length, 1)
  const malformed = await fetchProfile(baseConfig(), 'email=not-an-address')
  t.equal(malformed.statusCode, 400)
  t.match(malformed.body, /name@domain/)
  const unknown = await fetchProfile(baseConfig(), 'email=alice@elsewhere.example')
  t.equal(unknown.statusCode, 404)
  t.notMatch(unknown.body, /alice/, 'the address is not echoed')
})

t.test('the plist writer leaves out undefined and empty values and refuses non-integers', async (t) => {
  const xml = renderPlist({ a: undefined, b: '', c: 'x', d: [1, false], e: { f: true } })
  t.same(plain(parsePlist(xml)), { c: 'x', d: [1, false], e: { f: true } })
  t.throws(() => renderPlist({ port: 1.5 }), /integer/)
})
