// The direct lane (issue 9) must answer exactly as Fastify does: every request it takes is sent to a
// server made of the lane alone and to the Fastify app without it, and the answers are compared.
import { createServer, request, type Server } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { buildApp } from '../src/app.js'
import { clientView } from '../src/http/client-address.js'
import { createDirectLane } from '../src/http/direct-lane.js'
import { RequestGuard } from '../src/http/request-guard.js'
import { createLogger } from '../src/logging/logger.js'
import { Metrics } from '../src/metrics/metrics.js'
import { DIRECT_ENDPOINTS } from '../src/routes/index.js'
import type { TrustProxy } from '../src/settings/model.js'
import { createSnapshot, type Snapshot } from '../src/state/snapshot.js'
import { SnapshotStore } from '../src/state/snapshot-store.js'
import { activeSyncBody, legacyDnBody, outlookBody } from './helpers/autodiscover-requests.js'
import { type HttpResult, httpRequest } from './helpers/http.js'
import { captureLogs } from './helpers/log-capture.js'
import { baseConfig, loadConfig } from './helpers/settings.js'

const exchange = { activeSyncUrl: 'https://eas.test.example/Microsoft-Server-ActiveSync' }
const config = baseConfig({
  service: {
    publicUrl: 'https://autodiscover.test.example/',
    rateLimit: null,
  },
  defaults: { ...(baseConfig().defaults as object), exchange },
  domains: [
    { name: 'test.example', aliases: ['alias.example'], aliasRedirect: true },
    {
      name: 'elsewhere.example',
      redirectUrl: 'https://autodiscover.other.example/autodiscover/autodiscover.xml',
    },
  ],
})

const limited = { ...config, service: { rateLimit: { requestsPerMinute: 60, burst: 4 } } }
const unlimited = () => new SnapshotStore(createSnapshot(loadConfig(config)))

const DEFERRED = 599

interface Pair {
  readonly lane: string
  readonly fastify: string
  readonly logs: () => string
  readonly metrics: Metrics
  readonly close: () => Promise<void>
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  )
}

/** The lane alone (what it does not take answers 599), and the Fastify app without the lane. */
async function startPair(
  trustProxy?: TrustProxy,
  store = new SnapshotStore(createSnapshot(loadConfig(limited))),
) {
  const logs = captureLogs()
  const logger = createLogger('info', logs.stream)
  const metrics = new Metrics(store)
  const client = clientView(trustProxy)
  let id = 0
  const lane = createDirectLane({
    store,
    guard: new RequestGuard(store, client),
    client,
    endpoints: DIRECT_ENDPOINTS,
    logger,
    metrics,
    requestId: () => `req-${++id}`,
    isReady: () => true,
  })
  const laneServer = createServer((raw, res) => {
    if (!lane(raw, res)) res.writeHead(DEFERRED).end()
  })
  const app: FastifyInstance = buildApp({
    store,
    logger: createLogger('silent'),
    directLane: false,
    ...(trustProxy === undefined ? {} : { trustProxy }),
  })
  const pair: Pair = {
    lane: await listen(laneServer),
    fastify: await app.listen({ host: '127.0.0.1', port: 0 }),
    logs: logs.text,
    metrics,
    close: async () => {
      laneServer.closeAllConnections()
      await Promise.all([new Promise((resolve) => laneServer.close(resolve)), app.close()])
    },
  }
  return pair
}

type Ask = { path: string; method?: string; headers?: Record<string, string>; body?: string }

/** What a client sees, without what differs between any two answers (the date, the error's time). */
function seen(result: HttpResult) {
  const { date: _date, ...headers } = result.headers
  return { status: result.statusCode, headers, body: result.body.replace(/ Time="[^"]*"/, ' Time=""') }
}

async function both(pair: Pair, ask: Ask) {
  const options = {
    method: ask.method ?? 'GET',
    headers: { host: 'autoconfig.test.example', ...ask.headers },
    ...(ask.body === undefined ? {} : { body: ask.body }),
  }
  const [lane, fastify] = await Promise.all([
    httpRequest(pair.lane + ask.path, options),
    httpRequest(pair.fastify + ask.path, options),
  ])
  return { lane: seen(lane), fastify: seen(fastify) }
}

const pox = (body: string, headers: Record<string, string> = {}): Ask => ({
  path: '/autodiscover/autodiscover.xml',
  method: 'POST',
  headers: { 'content-type': 'text/xml', host: 'autodiscover.test.example', ...headers },
  body,
})

const TAKEN: Ask[] = [
  { path: '/mail/config-v1.1.xml?emailaddress=alice%40test.example' },
  { path: '/.well-known/autoconfig/mail/config-v1.1.xml?email=bob@alias.example&emailaddress=x' },
  { path: '/v1.1/mail/config-v1.1.xml?emailaddress=a@test.example&emailaddress=b@test.example' },
  { path: '/.well-known/mail-v1.xml?emailaddress=a%40test.example&emailmd5=abc' },
  { path: '/mail/config-v1.1.xml' },
  { path: '/mail/config-v1.1.xml?' },
  { path: '/mail/config-v1.1.xml?emailmd5=abc' },
  { path: '/mail/config-v1.1.xml?emailaddress=<script>@test.example' },
  { path: '/mail/config-v1.1.xml?emailaddress=nobody%40unknown.example' },
  { path: '/mail/config-v1.1.xml?emailaddress=not-an-address' },
  { path: '/mail/config-v1.1.xml', headers: { host: 'unknown.example' } },
  { path: '/mail/config-v1.1.xml', headers: { host: 'bad host' } },
  { path: `/mail/config-v1.1.xml?emailaddress=${'a'.repeat(9000)}` },
  pox(outlookBody('alice@test.example')),
  pox(outlookBody('alice@test.example'), { 'x-mapihttpcapability': '1' }),
  pox(activeSyncBody('bob@test.example')),
  pox(legacyDnBody()),
  pox(outlookBody('bob@alias.example')),
  pox(outlookBody('carol@elsewhere.example')),
  pox(activeSyncBody('carol@elsewhere.example')),
  pox(outlookBody('nobody@unknown.example')),
  pox('<Autodiscover><Request><EMailAddress>a&amp;b@test.example</EMailAddress></Request></Autodiscover>'),
  pox('not xml at all'),
  pox(''),
  pox(outlookBody('alice@test.example'), { 'content-type': 'application/x-www-form-urlencoded' }),
  { path: '/autodiscover/autodiscover.json?Email=a@test.example&Protocol=ActiveSync' },
  { path: '/autodiscover/autodiscover.json?email=a%40alias.example&protocol=autodiscoverv1' },
  { path: '/autodiscover/autodiscover.json?Email=a@test.example&Protocol=Ews' },
  { path: '/autodiscover/autodiscover.json?Email=a@test.example' },
  { path: '/autodiscover/autodiscover.json?Protocol=ActiveSync' },
  { path: '/autodiscover/autodiscover.json?Email=a@unknown.example&Protocol=ActiveSync' },
  { path: '/autodiscover/autodiscover.json?Email=nonsense&Protocol=ActiveSync' },
]

const LEFT_TO_FASTIFY: Ask[] = [
  { path: '/mail/config-v1.1.xml', method: 'HEAD' },
  { path: '/mail/config%2Dv1.1.xml' },
  { path: '/Mail/config-v1.1.xml' },
  { path: '/autodiscover/autodiscover.xml' },
  { ...pox(outlookBody('alice@test.example')), path: '/Autodiscover/Autodiscover.xml' },
  pox(`<Autodiscover>${' '.repeat(9000)}</Autodiscover>`),
  // Content types Fastify refuses (415, answered as error 600), or none at all.
  pox(outlookBody('alice@test.example'), { 'content-type': 'xml' }),
  pox(outlookBody('alice@test.example'), { 'content-type': 'text/xml charset=utf-8' }),
  { path: '/autodiscover/autodiscover.json/v1.0/a@test.example?Protocol=ActiveSync' },
  { path: '/healthz' },
]

t.test('every request the lane takes is answered as Fastify answers it', async (t) => {
  const pair = await startPair(undefined, unlimited())
  t.teardown(pair.close)
  const statuses = new Set<number>()
  for (const ask of TAKEN) {
    const { lane, fastify } = await both(pair, ask)
    statuses.add(lane.status)
    t.not(lane.status, DEFERRED, `${ask.method ?? 'GET'} ${ask.path.slice(0, 60)} taken by the lane`)
    t.same(lane, fastify, `${ask.method ?? 'GET'} ${ask.path.slice(0, 60)}`)
  }
  t.same([...statuses].sort(), [200, 302, 400, 404, 414], 'answers and refusals alike')
  for (const ask of LEFT_TO_FASTIFY) {
    const { lane } = await both(pair, ask)
    t.equal(lane.status, DEFERRED, `${ask.method ?? 'GET'} ${ask.path.slice(0, 60)} left to Fastify`)
  }
})

t.test('a chunked body is left to Fastify', async (t) => {
  const pair = await startPair()
  t.teardown(pair.close)
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${pair.lane}/autodiscover/autodiscover.xml`, { method: 'POST' }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.write(outlookBody('alice@test.example'))
    req.end()
  })
  t.equal(status, DEFERRED)
})

t.test('the rate limit is shared with Fastify’s and counts each request once', async (t) => {
  const pair = await startPair()
  t.teardown(pair.close)
  const statuses: number[] = []
  for (let i = 0; i < 6; i++) {
    const { lane, fastify } = await both(pair, { path: '/mail/config-v1.1.xml' })
    t.same(lane, fastify)
    statuses.push(lane.status)
  }
  t.same(statuses, [200, 200, 200, 200, 429, 429], 'a burst of 4')
})

t.test('behind a trusted proxy: the forwarded client and Host, as Fastify reads them', async (t) => {
  for (const trustProxy of [['127.0.0.1'], true]) await forwardedRequests(t, trustProxy)
  const plain = await startPair(['192.0.2.1'], unlimited())
  t.teardown(plain.close)
  const headers = { host: 'autoconfig.test.example', 'x-forwarded-host': 'autoconfig.unknown.example' }
  const { lane, fastify } = await both(plain, { path: '/mail/config-v1.1.xml', headers })
  t.same(lane, fastify)
  t.equal(lane.status, 200, 'an untrusted peer’s X-Forwarded-Host is ignored')
})

async function forwardedRequests(t: Test, trustProxy: TrustProxy) {
  const pair = await startPair(trustProxy)
  t.teardown(pair.close)
  for (let i = 0; i < 6; i++) {
    // A new client each time (never limited), and the Host only the proxy saw.
    const forwardedHost =
      i % 2 === 0 ? 'other.example, autoconfig.test.example' : 'autoconfig.unknown.example'
    const headers = {
      host: 'proxy.internal',
      'x-forwarded-host': forwardedHost,
      'x-forwarded-for': `203.0.113.${i}`,
    }
    const { lane, fastify } = await both(pair, { path: '/mail/config-v1.1.xml', headers })
    t.same(lane, fastify)
    t.equal(lane.status, i % 2 === 0 ? 200 : 404)
  }
}

/** An HTTP/1.0 request as typed, without a Host header (HTTP/1.1 requires one, 1.0 does not). */
function http10(url: string, target: string): Promise<string> {
  const { port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(`GET ${target} HTTP/1.0\r\n\r\n`))
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('end', () =>
      resolve(
        Buffer.concat(chunks)
          .toString()
          .replace(/^date: .*\r\n/im, ''),
      ),
    )
    socket.on('error', reject)
  })
}

t.test('HTTP/1.0 without a Host: the address decides, or the request is refused', async (t) => {
  const pair = await startPair(undefined, unlimited())
  t.teardown(pair.close)
  for (const target of ['/mail/config-v1.1.xml?emailaddress=a%40test.example', '/mail/config-v1.1.xml']) {
    const [lane, fastify] = await Promise.all([http10(pair.lane, target), http10(pair.fastify, target)])
    t.equal(lane, fastify, target)
    t.match(lane, target.includes('@') || target.includes('%40') ? /^HTTP\/1\.1 200/ : /^HTTP\/1\.1 4\d\d/)
  }
})

t.test('each lane request is logged once, without its address, and counted', async (t) => {
  const pair = await startPair()
  t.teardown(pair.close)
  await httpRequest(`${pair.lane}/mail/config-v1.1.xml?emailaddress=alice%40test.example`, {
    headers: { host: 'x', 'user-agent': 'Thunderbird/128.0' },
  })
  await httpRequest(`${pair.lane}/autodiscover/autodiscover.xml`, {
    method: 'POST',
    headers: { host: 'x', 'content-type': 'text/xml' },
    body: 'junk',
  })
  const lines = pair
    .logs()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
  t.match(lines, [
    { reqId: 'req-1', method: 'GET', path: '/mail/config-v1.1.xml', status: 200, msg: 'request' },
    { reqId: 'req-2', reason: 'body is not well-formed XML', msg: 'autodiscover request refused' },
    { reqId: 'req-2', method: 'POST', path: '/autodiscover/autodiscover.xml', status: 200, msg: 'request' },
  ])
  t.notMatch(pair.logs(), /alice/)
  t.match(
    (await pair.metrics.scrape()).text,
    /endpoint="autoconfig",client="thunderbird",status="200"\} 1/,
  )
})

t.test(
  'a failure inside the lane is a 500, logged without its message, and the lane keeps serving',
  async (t) => {
    const snapshot = createSnapshot(loadConfig(config))
    let reads = 0
    let failAt = -1
    const store = new (class extends SnapshotStore {
      override get current(): Snapshot {
        if (++reads === failAt) throw new Error('boom at alice@test.example')
        return snapshot
      }
    })(snapshot)
    const pair = await startPair(undefined, store)
    t.teardown(pair.close)
    // The guard reads the snapshot first (its rate limit), then the endpoint: the second read fails.
    reads = 0
    failAt = 2
    const failed = await httpRequest(`${pair.lane}/mail/config-v1.1.xml`, {
      headers: { host: 'autoconfig.test.example' },
    })
    t.equal(failed.statusCode, 500)
    t.equal(failed.body, 'internal error\n')
    t.match(pair.logs(), /"level":50,.*"msg":"request failed"/)
    t.notMatch(pair.logs(), /boom|alice/)
    const ok = await httpRequest(`${pair.lane}/mail/config-v1.1.xml`, {
      headers: { host: 'autoconfig.test.example' },
    })
    t.equal(ok.statusCode, 200)
  },
)

t.test('a client that leaves mid-body gets no answer, and the server carries on', async (t) => {
  const pair = await startPair()
  t.teardown(pair.close)
  await new Promise<void>((resolve) => {
    const req = request(`${pair.lane}/autodiscover/autodiscover.xml`, {
      method: 'POST',
      headers: { host: 'x', 'content-length': '500' },
    })
    req.on('error', () => resolve())
    req.write('<Autodiscover>', () => setTimeout(() => req.destroy(), 50))
    req.on('close', () => resolve())
  })
  const after = await httpRequest(`${pair.lane}/mail/config-v1.1.xml`, {
    headers: { host: 'autoconfig.test.example' },
  })
  t.equal(after.statusCode, 200)
})

t.test('the app listens with the lane in front, and leaves it during shutdown', async (t) => {
  let ready = true
  const store = new SnapshotStore(createSnapshot(loadConfig({ ...config, service: {} })))
  const app = buildApp({ store, logger: createLogger('silent'), isReady: () => ready })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const first = await httpRequest(`${url}/mail/config-v1.1.xml`, {
    headers: { host: 'autoconfig.test.example' },
  })
  t.equal(first.statusCode, 200)
  ready = false
  const during = await httpRequest(`${url}/mail/config-v1.1.xml`, {
    headers: { host: 'autoconfig.test.example' },
  })
  t.equal(during.statusCode, 200, 'Fastify answers until it closes')
  t.equal(during.body, first.body)
})
