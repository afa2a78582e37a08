import t from 'tap'
import { buildApp } from '../src/app.js'
import { createLogger } from '../src/logging/logger.js'
import { isCertificateName } from '../src/routes/tls-allowed.js'
import { createSnapshot } from '../src/state/snapshot.js'
import { SnapshotStore } from '../src/state/snapshot-store.js'
import { appFor, baseConfig, loadConfig } from './helpers/settings.js'

/** An app built as server.ts builds it: trustProxy from the settings loaded at start. */
function appBehindProxy(config: Record<string, unknown>) {
  const loaded = loadConfig(config)
  const store = new SnapshotStore(createSnapshot(loaded))
  const { trustProxy } = loaded.settings.service
  return buildApp({
    store,
    logger: createLogger('silent'),
    ...(trustProxy === undefined ? {} : { trustProxy }),
  })
}

const domains = [{ name: 'test.example', aliases: ['test-alias.example'] }, { name: 'bücher.example' }]
const service = { publicUrl: 'https://setup.provider.example/' }

t.test('with trustProxy, the host and protocol come from the trusted proxy', async (t) => {
  const behindProxy = appBehindProxy(
    baseConfig({ domains, service: { trustProxy: ['127.0.0.1', '10.0.0.0/8'] } }),
  )
  const direct = appFor(baseConfig({ domains }))
  const forwarded = {
    host: 'mailsetup.internal:8080',
    'x-forwarded-host': 'autoconfig.test.example',
    'x-forwarded-proto': 'https',
    'x-forwarded-for': '203.0.113.9',
  }
  const ask = (app: ReturnType<typeof buildApp>, remoteAddress: string) =>
    app.inject({ url: '/mail/config-v1.1.xml', headers: forwarded, remoteAddress })
  const proxied = await ask(behindProxy, '10.1.2.3')
  t.equal(proxied.statusCode, 200, 'the domain comes from X-Forwarded-Host')
  t.match(proxied.body, /<domain>test\.example<\/domain>/)
  t.equal((await ask(behindProxy, '198.51.100.7')).statusCode, 404, 'an untrusted peer cannot set the host')
  t.equal((await ask(direct, '10.1.2.3')).statusCode, 404, 'without trustProxy the headers are ignored')
  // What the Microsoft route reads for its HTTP→HTTPS redirect and what logs would show.
  const probe = appBehindProxy(baseConfig({ domains, service: { trustProxy: ['127.0.0.1'] } }))
  probe.get('/__protocol', async (request) => ({ protocol: request.protocol, ip: request.ip }))
  const seen = await probe.inject({
    url: '/__protocol',
    headers: forwarded,
    remoteAddress: '127.0.0.1',
  })
  t.same(seen.json(), { protocol: 'https', ip: '203.0.113.9' }, 'X-Forwarded-Proto and -For are trusted too')
})

t.test('names a proxy may get certificates for', async (t) => {
  const { settings } = loadConfig(baseConfig({ domains, service }))
  for (const name of [
    'test.example',
    'autoconfig.test.example',
    'autodiscover.test.example',
    'AUTOCONFIG.Test.Example.',
    'autoconfig.test-alias.example',
    'xn--bcher-kva.example',
    'autodiscover.bücher.example',
    'setup.provider.example',
  ])
    t.ok(isCertificateName(settings, name), name)
  for (const name of [
    'other.example',
    'www.test.example',
    'autoconfig.other.example',
    'autoconfig.',
    '',
    'a b',
  ])
    t.notOk(isCertificateName(settings, name), name)
  t.notOk(isCertificateName(loadConfig(baseConfig({ domains })).settings, 'setup.provider.example'))
})

t.test('GET /tls-allowed answers the proxy', async (t) => {
  const app = appFor(baseConfig({ domains, service }))
  const ask = (query: string) => app.inject(`/tls-allowed${query}`)
  const yes = await ask('?domain=autoconfig.test.example')
  t.equal(yes.statusCode, 200)
  t.equal(yes.body, 'allowed\n')
  const no = await ask('?domain=autoconfig.evil.example')
  t.equal(no.statusCode, 404)
  t.equal(no.body, 'not a hosted name\n')
  t.equal((await ask('')).statusCode, 400)
  t.equal((await ask('?domain=')).statusCode, 404)
})
