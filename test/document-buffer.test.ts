// Filled documents: those sharing slabs of memory must each still be their own bytes, whatever is
// filled after them; those kept per domain for requests without an address must be the bytes a fill
// of the domain's own profile gives, one per domain, and must not outlive a reload.
import t from 'tap'
import { buildApp } from '../src/app.js'
import { createLogger } from '../src/logging/logger.js'
import { allocateDocument, LARGEST_CARVED, SLAB_BYTES } from '../src/render/document-buffer.js'
import { compileTemplate, fillTemplateBytes } from '../src/render/template.js'
import { escapeXml } from '../src/render/xml.js'
import { placeholderIdentity } from '../src/resolve/identity.js'
import { createSnapshot, documentsFor } from '../src/state/snapshot.js'
import { SnapshotStore } from '../src/state/snapshot-store.js'
import { parseAutoconfig } from './helpers/autoconfig-rules.js'
import { baseConfig, loadConfig } from './helpers/settings.js'

t.test('documents carved one after another never share a byte', async (t) => {
  const documents: Buffer[] = []
  // Enough to run through several slabs, with sizes that are not multiples of 8.
  for (let n = 0; n < 200; n++) {
    const document = allocateDocument(2_000 + (n % 13))
    document.fill(n % 251)
    documents.push(document)
  }
  documents.forEach((document, n) => {
    t.equal(document.length, 2_000 + (n % 13))
    if (!document.every((byte) => byte === n % 251)) t.fail(`document ${n} was overwritten`)
  })
  const regions = documents.map((d) => ({ buffer: d.buffer, start: d.byteOffset, end: d.byteOffset + d.length }))
  const overlapping = regions.filter((a, i) =>
    regions.some((b, j) => i !== j && a.buffer === b.buffer && a.start < b.end && b.start < a.end),
  )
  t.equal(overlapping.length, 0, 'no two documents overlap in memory')
  t.ok(new Set(regions.map((r) => r.buffer)).size > 1, 'more than one slab was used')
})

t.test('documents up to LARGEST_CARVED come from a slab, larger ones get memory of their own', async (t) => {
  t.equal(allocateDocument(LARGEST_CARVED).buffer.byteLength, SLAB_BYTES, 'the largest carved size')
  const large = allocateDocument(LARGEST_CARVED + 1)
  t.not(large.buffer.byteLength, SLAB_BYTES, 'one byte more is not carved')
  large.fill(7)
  const next = allocateDocument(100)
  next.fill(9)
  t.ok(
    large.every((byte) => byte === 7),
    'filling the next document leaves it alone',
  )
  t.not(large.buffer, next.buffer)
})

t.test('filled templates are carved too, each with its own address', async (t) => {
  const template = compileTemplate((id) => `<user>${id.address}</user><domain>${id.domain}</domain>`, escapeXml)
  const alice = fillTemplateBytes(template, { address: 'alice@example.com', localPart: 'alice', domain: 'example.com' })
  const bob = fillTemplateBytes(template, { address: 'bob@example.org', localPart: 'bob', domain: 'example.org' })
  t.equal(alice.toString(), '<user>alice@example.com</user><domain>example.com</domain>')
  t.equal(bob.toString(), '<user>bob@example.org</user><domain>example.org</domain>')
  t.equal(alice.buffer.byteLength, SLAB_BYTES, 'from a slab')
})

// Two profiles: other.example has its own IMAP host.
const ownImap = [{ type: 'imap', hostname: 'imap.other.example', port: 993, security: 'tls' }]
const config = baseConfig({
  domains: [{ name: 'test.example' }, { name: 'other.example', incoming: ownImap }, { name: 'third.example' }],
})

/** A fresh snapshot of `config`, and a way to name its domains. */
function freshSnapshot() {
  const snapshot = createSnapshot(loadConfig(config))
  const domain = (name: string) => {
    const found = snapshot.settings.lookup.get(name)
    if (found === undefined) throw new Error(`${name} is not hosted`)
    return found
  }
  return { snapshot, kept: snapshot.addressFree, domain }
}

t.test('a document is its own profile’s, filled on first use, then picked', async (t) => {
  const { snapshot, kept, domain } = freshSnapshot()
  for (const name of ['test.example', 'other.example', 'third.example']) {
    const documents = documentsFor(snapshot, domain(name).profile)
    for (const [variant, template] of [
      ['full', documents.autoconfig],
      ['onePerType', documents.autoconfigOnePerType],
    ] as const) {
      const first = kept.for(domain(name), variant)
      t.same(first, fillTemplateBytes(template, placeholderIdentity(name)), `${name} ${variant}: a fill`)
      t.equal(kept.for(domain(name), variant), first, 'picked, not filled again')
      t.equal(first.buffer.byteLength, first.length, 'memory of its own, not a slab')
    }
  }
  const imap = (name: string) => parseAutoconfig(kept.for(domain(name), 'full').toString()).incoming
  t.same(
    imap('other.example').map((server) => server.hostname),
    ['imap.other.example'],
    'its own profile',
  )
  t.equal(imap('test.example').length, 2)
  t.not(kept.for(domain('test.example'), 'full'), kept.for(domain('third.example'), 'full'))
  t.not(freshSnapshot().kept, kept, 'each snapshot keeps its own')
})

t.test('a crawl of many domains keeps a bounded number of documents, over both variants', async (t) => {
  const { kept, domain } = freshSnapshot()
  const base = domain('test.example')
  for (let i = 0; i < 1500; i++) {
    kept.for({ ...base, name: `d${i}.example` }, 'full')
    kept.for({ ...base, name: `d${i}.example` }, 'onePerType')
  }
  t.ok(kept.size <= 1000, `${kept.size} kept`)
  t.same(
    parseAutoconfig(kept.for({ ...base, name: 'd7.example' }, 'full').toString()).domains,
    ['d7.example'],
    'a dropped document is filled again',
  )
})

t.test('over HTTP each domain gets its own document, and a reload drops the kept ones', async (t) => {
  const store = new SnapshotStore(createSnapshot(loadConfig({ ...config, service: { rateLimit: null } })))
  const app = buildApp({ store, logger: createLogger('silent') })
  t.teardown(() => app.close())
  const ask = async (host: string, query = '') => {
    const res = await app.inject({ url: `/mail/config-v1.1.xml${query}`, headers: { host } })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'application/xml; charset=utf-8')
    return parseAutoconfig(res.body)
  }
  for (let round = 0; round < 2; round++) {
    for (const domain of ['test.example', 'other.example', 'third.example']) {
      const doc = await ask(`autoconfig.${domain}`)
      t.same(doc.domains, [domain], `round ${round}: ${domain}`)
      t.ok(doc.incoming.every((server) => server.username === '%EMAILADDRESS%'))
    }
  }
  // Evolution's variant (one server per type) is kept apart from the full document.
  const evolution = await ask('autoconfig.test.example', '?emailmd5=0123456789abcdef0123456789abcdef')
  t.same(evolution.domains, ['test.example'])
  t.equal(evolution.incoming.length, 1, 'one IMAP server')
  const before = await ask('autoconfig.test.example')
  t.equal(before.incoming.length, 2, 'both IMAP servers')
  t.equal(before.displayName, 'Test Mail')
  const renamed = { id: 'mail.test.example', name: 'Renamed Mail', shortName: 'R' }
  store.replace(createSnapshot(loadConfig({ ...config, provider: renamed })))
  t.equal((await ask('autoconfig.test.example')).displayName, 'Renamed Mail', 'the reloaded settings answer')
})
