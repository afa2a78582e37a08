import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { stringify } from 'yaml'
import { buildApp } from '../src/app.js'
import { createLogger } from '../src/logging/logger.js'
import { ClientClassifier, classifyClient } from '../src/metrics/client-family.js'
import { endpointFamily } from '../src/metrics/endpoint-family.js'
import { Metrics } from '../src/metrics/metrics.js'
import { startMetricsServer } from '../src/metrics/metrics-server.js'
import { readServerEnv, startServer } from '../src/server.js'
import { createSnapshot } from '../src/state/snapshot.js'
import { SnapshotStore } from '../src/state/snapshot-store.js'
import { parseMetrics, tempDir, waitFor } from './helpers/ops.js'
import { baseConfig, loadConfig } from './helpers/settings.js'

const USER_AGENTS = {
  thunderbird: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.5.0',
  outlook: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)',
  outlookAndroid: 'Outlook-Android/2.0',
  apple: 'iOS/17.5 (21F79) accountsd/1.0',
  appleMail: 'Mail/3774.600.62 CFNetwork/1496.0.7 Darwin/23.5.0',
  k9: 'okhttp/4.12.0',
  fairemail: 'FairEmail/1.2200',
  evolution: 'Evolution/3.50.2',
  gnome: 'gnome-online-accounts/3.50',
  curl: 'curl/8.5.0',
} as const

t.test('User-Agents are sorted into client families', async (t) => {
  t.equal(classifyClient(USER_AGENTS.thunderbird), 'thunderbird')
  t.equal(classifyClient(USER_AGENTS.outlook), 'outlook')
  t.equal(classifyClient(USER_AGENTS.outlookAndroid), 'outlook', 'Outlook first, though it names Android')
  t.equal(classifyClient(USER_AGENTS.apple), 'apple')
  t.equal(classifyClient(USER_AGENTS.appleMail), 'apple')
  t.equal(classifyClient(USER_AGENTS.k9), 'android')
  t.equal(classifyClient(USER_AGENTS.fairemail), 'android')
  t.equal(classifyClient(USER_AGENTS.evolution), 'evolution')
  t.equal(classifyClient(USER_AGENTS.gnome), 'gnome')
  t.equal(classifyClient(USER_AGENTS.curl), 'other')
  t.equal(classifyClient(undefined), 'other')
})

t.test('the classifier cache stays bounded', async (t) => {
  const classifier = new ClientClassifier(2)
  t.equal(classifier.classify(undefined), 'other')
  t.equal(classifier.classify(USER_AGENTS.k9), 'android')
  t.equal(classifier.classify(USER_AGENTS.k9), 'android')
  t.equal(classifier.classify('a'), 'other')
  t.equal(classifier.size, 2)
  t.equal(classifier.classify(USER_AGENTS.evolution), 'evolution', 'a full cache is emptied, then refilled')
  t.equal(classifier.size, 1)
  t.equal(classifier.classify(USER_AGENTS.k9), 'android', 'each agent its own family, alternating')
  t.equal(classifier.classify(USER_AGENTS.evolution), 'evolution')
  t.equal(classifier.classify(undefined), 'other')
  t.equal(classifier.classify(USER_AGENTS.evolution), 'evolution')
})

t.test('route patterns map to endpoint families', async (t) => {
  const cases: Record<string, string> = {
    autoconfig: '/mail/config-v1.1.xml',
    autodiscover: '/Autodiscover/Autodiscover.xml',
    apple: '/email.mobileconfig',
    dav: '/.well-known/caldav',
    setup: '/setup',
    health: '/readyz',
    metrics: '/metrics',
    tls: '/tls-allowed',
    other: '/something',
  }
  for (const [family, url] of Object.entries(cases)) t.equal(endpointFamily(url), family, url)
  t.equal(endpointFamily('/'), 'setup')
  t.equal(endpointFamily('/.well-known/mail-v1.xml'), 'autoconfig')
  t.equal(endpointFamily(undefined), 'unmatched')
})

function appWithMetrics(config = baseConfig()) {
  const store = new SnapshotStore(createSnapshot(loadConfig(config)))
  const metrics = new Metrics(store)
  return { app: buildApp({ store, logger: createLogger('silent'), metrics }), metrics, store }
}

t.test('GET /metrics counts requests by endpoint, client and status', async (t) => {
  const domains = Array.from({ length: 7 }, (_, i) => ({ name: `d${i}.example` }))
  const { app, metrics } = appWithMetrics(baseConfig({ domains }))
  const ask = (url: string, ua?: string) =>
    app.inject({ url, headers: ua === undefined ? {} : { 'user-agent': ua } })
  await ask('/mail/config-v1.1.xml?emailaddress=a@d1.example', USER_AGENTS.thunderbird)
  await ask('/mail/config-v1.1.xml?emailaddress=b@d2.example', USER_AGENTS.thunderbird)
  await ask('/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=a@nowhere.example', USER_AGENTS.k9)
  await ask('/no/such/path', USER_AGENTS.curl)
  await ask('/healthz')
  metrics.countReload('success')
  metrics.countReload('failure')
  metrics.countReload('failure')
  const response = await ask('/metrics')
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const series = parseMetrics(response.body)
  const requests = (endpoint: string, client: string, status: number) =>
    series.get(`mailsetup_http_requests_total{endpoint="${endpoint}",client="${client}",status="${status}"}`)
  t.equal(requests('autoconfig', 'thunderbird', 200), 2)
  t.equal(requests('autoconfig', 'android', 404), 1)
  t.equal(requests('unmatched', 'other', 404), 1)
  t.equal(requests('health', 'other', 200), 1)
  t.equal(series.get('mailsetup_http_request_duration_seconds_count{endpoint="autoconfig"}'), 3)
  t.equal(series.get('mailsetup_http_request_duration_seconds_bucket{endpoint="autoconfig",le="+Inf"}'), 3)
  t.equal(series.get('mailsetup_hosted_domains'), 7)
  t.equal(series.get('mailsetup_config_reloads_total{outcome="success"}'), 1)
  t.equal(series.get('mailsetup_config_reloads_total{outcome="failure"}'), 2)
  t.equal(series.get('mailsetup_config_reloads_total{outcome="unchanged"}'), 0)
  t.ok((series.get('mailsetup_config_loaded_timestamp_seconds') ?? 0) > 1.7e9)
  t.ok(series.has('process_cpu_user_seconds_total'), 'process metrics')
  t.ok(series.has('nodejs_eventloop_lag_seconds'), 'Node.js runtime metrics')
  const again = parseMetrics((await ask('/metrics')).body)
  t.equal(again.get('mailsetup_http_requests_total{endpoint="metrics",client="other",status="200"}'), 1)
})

t.test('the metrics route can be left to a port of its own', async (t) => {
  const store = new SnapshotStore(createSnapshot(loadConfig(baseConfig())))
  const metrics = new Metrics(store)
  const app = buildApp({ store, logger: createLogger('silent'), metrics, metricsRoute: false })
  t.equal((await app.inject('/metrics')).statusCode, 404)
  const server = await startMetricsServer(metrics, '127.0.0.1', 0)
  t.teardown(server.close)
  await app.inject('/healthz')
  const response = await fetch(`http://127.0.0.1:${server.port}/metrics`)
  t.equal(response.status, 200)
  t.equal(
    parseMetrics(await response.text()).get(
      'mailsetup_http_requests_total{endpoint="health",client="other",status="200"}',
    ),
    1,
  )
  t.equal((await fetch(`http://127.0.0.1:${server.port}/`)).status, 404)
  t.equal((await fetch(`http://127.0.0.1:${server.port}/metrics`, { method: 'POST' })).status, 404)
  await t.rejects(startMetricsServer(metrics, '127.0.0.1', server.port), { code: 'EADDRINUSE' })
})

t.test('METRICS_PORT is read from the environment', async (t) => {
  t.equal(readServerEnv({}).metricsPort, undefined)
  t.equal(readServerEnv({ METRICS_PORT: '' }).metricsPort, undefined)
  t.equal(readServerEnv({ METRICS_PORT: '9090' }).metricsPort, 9090)
  t.throws(() => readServerEnv({ METRICS_PORT: 'x' }), {
    message: 'METRICS_PORT must be an integer from 0 to 65535',
  })
})

t.test('the real server counts reloads and serves metrics on METRICS_PORT', async (t) => {
  const path = join(tempDir(), 'mailsetup.yaml')
  writeFileSync(path, stringify(baseConfig()))
  const env = {
    ...readServerEnv({
      MAILSETUP_CONFIG: path,
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'silent',
    }),
  }
  const server = await startServer(env)
  t.teardown(server.close)
  const metricsUrl = `http://127.0.0.1:${server.metricsServer!.port}/metrics`
  t.equal((await fetch(`${server.url}/metrics`)).status, 404, 'not on the public port')
  process.kill(process.pid, 'SIGHUP')
  const series = await waitFor(async () => {
    const found = parseMetrics(await (await fetch(metricsUrl)).text())
    return found.get('mailsetup_config_reloads_total{outcome="success"}') === 1 ? found : undefined
  })
  t.equal(series.get('mailsetup_hosted_domains'), 1)
  t.equal(series.get('mailsetup_http_requests_total{endpoint="unmatched",client="other",status="404"}'), 1)
})

t.test('latencies fall into the right buckets', async (t) => {
  const metrics = new Metrics(new SnapshotStore(createSnapshot(loadConfig(baseConfig()))))
  for (const ms of [0.3, 0.5, 3, 3, 5000]) metrics.requests.observe('/healthz', undefined, 200, ms)
  const series = parseMetrics((await metrics.scrape()).text)
  const bucket = (le: string) =>
    series.get(`mailsetup_http_request_duration_seconds_bucket{endpoint="health",le="${le}"}`)
  t.equal(bucket('0.0005'), 2, 'a bound is inclusive')
  t.equal(bucket('0.001'), 2)
  t.equal(bucket('0.005'), 4)
  t.equal(bucket('2.5'), 4)
  t.equal(bucket('+Inf'), 5)
  t.equal(series.get('mailsetup_http_request_duration_seconds_count{endpoint="health"}'), 5)
  t.equal(series.get('mailsetup_http_request_duration_seconds_sum{endpoint="health"}'), 5.0068)
  t.equal(series.get('mailsetup_http_requests_total{endpoint="health",client="other",status="200"}'), 5)
})
