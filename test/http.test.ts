import { PassThrough } from 'node:stream'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { createLogger, isLogLevel } from '../src/logging/logger.js'
import { hashAddress, loggablePath } from '../src/logging/redact.js'
import { createSnapshot } from '../src/state/snapshot.js'
import { SnapshotStore } from '../src/state/snapshot-store.js'
import { appFor, baseConfig, loadConfig } from './helpers/settings.js'

function captureLogs() {
  const stream = new PassThrough()
  const lines: Record<string, unknown>[] = []
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line))
  })
  return { stream, lines }
}

t.test('health and readiness', async (t) => {
  let ready = true
  const store = new SnapshotStore(createSnapshot(loadConfig(baseConfig())))
  const app = buildApp({ store, logger: createLogger('silent'), isReady: () => ready })
  const health = await app.inject({ url: '/healthz' })
  t.equal(health.statusCode, 200)
  t.same(health.json(), { status: 'ok' })
  const readiness = await app.inject({ url: '/readyz' })
  t.equal(readiness.statusCode, 200)
  t.match(readiness.json(), { status: 'ready', domains: 1, loadedAt: /^\d{4}-/ })
  ready = false
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 503)
  t.equal((await appFor(baseConfig()).inject({ url: '/readyz' })).statusCode, 200, 'ready by default')
})

t.test('a replaced snapshot answers the next request', async (t) => {
  const store = new SnapshotStore(createSnapshot(loadConfig(baseConfig())))
  const app = buildApp({ store, logger: createLogger('silent') })
  const url = '/mail/config-v1.1.xml?emailaddress=a@test.example'
  t.match((await app.inject({ url })).body, /imap\.test\.example/)
  const next = baseConfig()
  ;(next.defaults as { incoming: { hostname: string }[] }).incoming[0]!.hostname = 'new-imap.test.example'
  store.replace(createSnapshot(loadConfig(next)))
  t.match((await app.inject({ url })).body, /new-imap\.test\.example/)
})

t.test('the first of repeated query values wins', async (t) => {
  const app = appFor(baseConfig({ domains: [{ name: 'test.example' }, { name: 'other.example' }] }))
  const res = await app.inject({
    url: '/mail/config-v1.1.xml?emailaddress=a@other.example&emailaddress=b@test.example',
  })
  t.match(res.body, /<username>a@other\.example<\/username>/)
})

t.test('framework errors keep their 4xx status as one plain line; others are a logged 500', async (t) => {
  const logs = captureLogs()
  const app = appFor(baseConfig(), logs.stream)
  app.post('/probe', async () => 'ok')
  app.get('/explode', async () => {
    throw new Error('secret internal detail')
  })
  app.get('/upstream', async () => {
    throw Object.assign(new Error('upstream detail'), { statusCode: 502 })
  })
  const big = await app.inject({
    method: 'POST',
    url: '/probe',
    payload: 'x'.repeat(20_000),
    headers: { 'content-type': 'text/plain' },
  })
  t.equal(big.statusCode, 413)
  t.equal(big.headers['content-type'], 'text/plain; charset=utf-8')
  t.equal(big.body.split('\n').length, 2)
  const unsupported = await app.inject({
    method: 'POST',
    url: '/probe',
    payload: '{}',
    headers: { 'content-type': 'application/x-custom' },
  })
  t.equal(unsupported.statusCode, 415)
  t.equal(
    (await app.inject({ url: '/upstream' })).body,
    'internal error\n',
    'framework 5xx details stay private',
  )
  const exploded = await app.inject({ url: '/explode' })
  t.equal(exploded.statusCode, 500)
  t.equal(exploded.body, 'internal error\n')
  t.ok(
    logs.lines.some((l) => l.msg === 'request failed' && l.level === 50),
    'the failure is logged',
  )
})

t.test('request log lines carry no query string and no address', async (t) => {
  const logs = captureLogs()
  const app = appFor(baseConfig(), logs.stream)
  await app.inject({ url: '/mail/config-v1.1.xml?emailaddress=alice@test.example' })
  await app.inject({ url: '/autodiscover/autodiscover.json/v1.0/alice@test.example?Protocol=ActiveSync' })
  await app.inject({ url: '/x/alice%40test.example' })
  const requests = logs.lines.filter((l) => l.msg === 'request')
  t.same(
    requests.map((l) => l.path),
    ['/mail/config-v1.1.xml', '/autodiscover/autodiscover.json/v1.0/[address]', '/x/[address]'],
  )
  t.match(requests[0], { method: 'GET', status: 200, ms: Number })
  t.notMatch(JSON.stringify(logs.lines), /alice/)
})

t.test('redaction helpers', async (t) => {
  t.equal(loggablePath('/a/b?c=d@e'), '/a/b')
  t.equal(loggablePath('/plain'), '/plain')
  t.equal(hashAddress('Alice@Example.com', 's'), hashAddress('alice@example.com', 's'))
  t.not(hashAddress('alice@example.com', 's1'), hashAddress('alice@example.com', 's2'))
  t.match(hashAddress('alice@example.com', 's'), /^[0-9a-f]{16}$/)
  t.ok(isLogLevel('warn'))
  t.notOk(isLogLevel('loud'))
})
