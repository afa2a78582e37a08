// Issue 5: a full mixed run through the app with its logs captured; no address and no request body
// appears in them, whatever the route, the status or the error.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { buildApp } from '../src/app.js'
import { routesOf } from '../src/http/hardening.js'
import { createLogger } from '../src/logging/logger.js'
import { describeError, loggablePath } from '../src/logging/redact.js'
import { createSnapshot } from '../src/state/snapshot.js'
import { SnapshotStore } from '../src/state/snapshot-store.js'
import { autodiscoverRequest } from './helpers/hostile-xml.js'
import { captureLogs } from './helpers/log-capture.js'
import { BUNDLED_CONFIG, loadConfig } from './helpers/settings.js'

const LOCAL = 'private.person'
const BODY_MARKER = 'bodymarker'
const addresses = [`${LOCAL}@example.com`, `${LOCAL}@example.net`, `${LOCAL}@unknown.example`, `${LOCAL}@`]

function appWithLogs(level: 'info' | 'debug') {
  const logs = captureLogs()
  const bundled = readFileSync(BUNDLED_CONFIG, 'utf8')
  const config = loadConfig({
    ...parse(bundled),
    service: { ...parse(bundled).service, rateLimit: { requestsPerMinute: 60, burst: 40 } },
  })
  const app = buildApp({
    store: new SnapshotStore(createSnapshot(config)),
    logger: createLogger(level, logs.stream),
  })
  // Routes that fail the way a bug would: their messages quote the address.
  app.get('/test-failure', async () => {
    throw new Error(`lookup failed for ${LOCAL}@example.com`)
  })
  app.post('/test-failure', async () => {
    throw `a string thrown with ${LOCAL}@example.com`
  })
  return { app, logs }
}

function requestsFor(url: string, method: string) {
  return addresses.flatMap((address) => {
    const filled = url.replace(/:[A-Za-z0-9_]+/g, encodeURIComponent(address))
    const auth = { authorization: `Basic ${Buffer.from(`${address}:pw`).toString('base64')}` }
    return [
      { method, url: `${filled}?emailaddress=${encodeURIComponent(address)}`, headers: auth },
      {
        method,
        url: `${filled}?Email=${address}&Protocol=AutodiscoverV1`,
        headers: { host: 'autodiscover.example.com' },
      },
      {
        method: 'POST',
        url: filled,
        headers: { 'content-type': 'text/xml' },
        payload: autodiscoverRequest(address) + BODY_MARKER,
      },
      {
        method: 'POST',
        url: filled,
        headers: { 'content-type': 'application/json' },
        payload: `{"${address}${BODY_MARKER}`,
      },
      {
        method: 'POST',
        url: filled,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `emailaddress=${address}&x=${BODY_MARKER}`,
      },
      {
        method: 'POST',
        url: filled,
        headers: { 'content-type': 'text/plain' },
        payload: `${address}${BODY_MARKER}`.repeat(400),
      },
      { method: 'PUT', url: `${filled}/${address}`, payload: address + BODY_MARKER },
    ]
  })
}

for (const level of ['info', 'debug'] as const) {
  t.test(`no address and no body in the ${level} logs of a mixed run`, async (t) => {
    const { app, logs } = appWithLogs(level)
    t.teardown(() => app.close())
    await app.ready()
    const routes = routesOf(app)!.entries
    const statuses = new Set<number>()
    let client = 0
    for (const route of routes) {
      for (const request of requestsFor(route.url, route.method)) {
        client++
        const remoteAddress = `10.0.${client >> 8}.${client & 255}`
        statuses.add((await app.inject({ ...request, remoteAddress })).statusCode)
      }
    }
    for (let i = 0; i < 45; i++) {
      const res = await app.inject(`/mail/config-v1.1.xml?emailaddress=${LOCAL}%40example.com`)
      statuses.add(res.statusCode)
    }
    t.same(
      [200, 400, 404, 405, 413, 429, 500].filter((s) => !statuses.has(s)),
      [],
      'every kind of answer happened',
    )
    const text = logs.text()
    t.ok(text.includes('"status":500') && text.includes('request failed'), 'the failures were logged')
    t.notOk(text.toLowerCase().includes(LOCAL), 'no local part in the logs')
    t.notOk(text.includes(BODY_MARKER), 'no request body in the logs')
    t.notOk(text.includes(Buffer.from(`${LOCAL}@example.com:pw`).toString('base64')), 'no credentials')
    t.match(text, '"path":"/test-failure"')
  })
}

t.test('paths are logged without addresses, even a bare local part in Autodiscover v2', async (t) => {
  t.equal(
    loggablePath('/autodiscover/autodiscover.json/v1.0/alice?Protocol=x'),
    '/autodiscover/autodiscover.json/v1.0/[address]',
  )
  t.equal(
    loggablePath('/AutoDiscover/autodiscover.json/V1.0/alice/x%40y/z'),
    '/AutoDiscover/autodiscover.json/V1.0/[address]',
  )
  t.equal(loggablePath('/a/alice%40example.com/b'), '/a/[address]/b')
  t.equal(loggablePath('/v1.0'), '/v1.0')
})

t.test('an error is logged by type, code and frames, never by its message', async (t) => {
  const error = Object.assign(new TypeError('bad alice@example.com'), { code: 'E_X' })
  const described = describeError(error)
  t.equal(described.type, 'TypeError')
  t.equal(described.code, 'E_X')
  t.match(described.stack, /^\s+at /)
  t.notMatch(JSON.stringify(described), 'alice')
  t.same(describeError('alice@example.com'), { type: 'string' })
  t.same(describeError(Object.assign(new Error('x'), { code: 42, stack: undefined })), {
    type: 'Error',
    stack: '',
  })
})
