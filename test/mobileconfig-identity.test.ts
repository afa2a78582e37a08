import { parse as parsePlistWithPlist } from 'plist'
import t from 'tap'
import { DNS_NAMESPACE, nameUuid } from '../src/common/name-uuid.js'
import { profileIds } from '../src/render/mobileconfig.js'
import { renderPlist } from '../src/render/plist.js'
import { profileViolations } from './helpers/apple-rules.js'
import { DAV, fetchProfile, type Json, profileOf, withDefaults } from './helpers/mobileconfig.js'
import { parsePlist, plain } from './helpers/plist.js'
import { baseConfig } from './helpers/settings.js'

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
  // Python's uuid.uuid5(uuid.NAMESPACE_URL, 'https://example.com/ü'): another namespace, UTF-8 name.
  t.equal(
    nameUuid('6ba7b811-9dad-11d1-80b4-00c04fd430c8', 'https://example.com/\u00fc'),
    'A17F7A1D-6BB5-51A9-9D32-F9D2FDEEC8B6',
  )
})

t.test('UUIDs stay right when namespaces and providers change (what is kept between requests)', async (t) => {
  // More namespaces than are kept, then the first again: each UUID as if computed alone.
  const namespaces = Array.from({ length: 20 }, (_, n) => nameUuid(DNS_NAMESPACE, `provider-${n}.example`))
  const first = namespaces.map((namespace) => nameUuid(namespace, 'alice@example.com\nmail'))
  const again = namespaces.map((namespace) => nameUuid(namespace, 'alice@example.com\nmail'))
  t.same(again, first)
  t.equal(new Set(first).size, 20, 'every namespace gives its own UUID')
  const one = { id: 'one.example', name: 'One', shortName: 'One' }
  const two = { id: 'two.example', name: 'Two', shortName: 'Two' }
  const expected = (id: string) => nameUuid(nameUuid(DNS_NAMESPACE, id), 'alice@example.com\nprofile')
  for (const provider of [one, two, one])
    t.equal(profileIds(provider, 'alice@example.com').profileUuid, expected(provider.id), provider.id)
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
