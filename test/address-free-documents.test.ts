// Autoconfig answers without an address are filled once per domain and then picked: each domain must
// still get its own document, the same bytes a fill would give, and a reload must not serve old ones.
import t from 'tap'
import { fillTemplateBytes } from '../src/render/template.js'
import { placeholderIdentity } from '../src/resolve/identity.js'
import { createSnapshot, documentsFor } from '../src/state/snapshot.js'
import { parseAutoconfig } from './helpers/autoconfig-rules.js'
import { buildApp } from '../src/app.js'
import { createLogger } from '../src/logging/logger.js'
import { SnapshotStore } from '../src/state/snapshot-store.js'
import { baseConfig, loadConfig } from './helpers/settings.js'

const config = baseConfig({
  domains: [{ name: 'test.example' }, { name: 'other.example' }, { name: 'third.example' }],
})

t.test('a document is filled on first use, then the same one is picked', async (t) => {
  const snapshot = createSnapshot(loadConfig(config))
  const profile = snapshot.settings.domains[0]?.profile
  if (profile === undefined) throw new Error('no profile')
  const { addressFree, autoconfig, autoconfigOnePerType } = documentsFor(snapshot, profile)
  for (const [prepared, template] of [
    [addressFree.autoconfig, autoconfig],
    [addressFree.onePerType, autoconfigOnePerType],
  ] as const) {
    const first = prepared.for('test.example')
    t.same(first, fillTemplateBytes(template, placeholderIdentity('test.example')), 'the bytes of a fill')
    t.equal(prepared.for('test.example'), first, 'picked, not filled again')
    t.equal(first.buffer.byteLength, first.length, 'memory of its own, not a slab')
    const other = prepared.for('other.example')
    t.same(other, fillTemplateBytes(template, placeholderIdentity('other.example')))
    t.not(other, first)
  }
  t.not(addressFree.autoconfig.for('x.example'), addressFree.onePerType.for('x.example'))
})

t.test('a crawl of many domains keeps a bounded number of documents', async (t) => {
  const snapshot = createSnapshot(loadConfig(config))
  const profile = snapshot.settings.domains[0]?.profile
  if (profile === undefined) throw new Error('no profile')
  const prepared = documentsFor(snapshot, profile).addressFree.autoconfig
  for (let i = 0; i < 2500; i++) prepared.for(`d${i}.example`)
  t.ok(prepared.size <= 1000, `${prepared.size} kept`)
  t.same(
    parseAutoconfig(prepared.for('d7.example').toString()).domains,
    ['d7.example'],
    'a dropped document is filled again',
  )
})

t.test('over HTTP each domain gets its own document, and a reload drops the kept ones', async (t) => {
  const store = new SnapshotStore(createSnapshot(loadConfig({ ...config, service: { rateLimit: null } })))
  const app = buildApp({ store, logger: createLogger('silent') })
  t.teardown(() => app.close())
  const ask = async (host: string) => {
    const res = await app.inject({ url: '/mail/config-v1.1.xml', headers: { host } })
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
  const before = await ask('autoconfig.test.example')
  t.equal(before.displayName, 'Test Mail')
  store.replace(
    createSnapshot(
      loadConfig({ ...config, provider: { id: 'mail.test.example', name: 'Renamed Mail', shortName: 'R' } }),
    ),
  )
  const after = await ask('autoconfig.test.example')
  t.equal(after.displayName, 'Renamed Mail', 'the reloaded settings answer')
})
