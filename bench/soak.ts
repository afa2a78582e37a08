// `npm run soak`: bounded-time load on loopback over every route the app has, with a config reload
// (SIGHUP) half-way, reporting errors, status counts and memory growth (issue 5). Not part of `npm test`.
//   SOAK_SECONDS (default 60), SOAK_CONNECTIONS (default 16)
import { Agent, request } from 'node:http'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { writeWithService } from './bench-config.js'
import { memoryOf, readLog, ROOT, startService } from './processes.js'

interface Target {
  readonly name: string
  readonly method: string
  readonly path: string
  readonly headers: Record<string, string>
  readonly body?: string
}

const seconds = Number(process.env.SOAK_SECONDS ?? 60)
const connections = Number(process.env.SOAK_CONNECTIONS ?? 16)
const ADDRESS = 'soak.user@example.com'
const POX = `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${ADDRESS}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`
const QUERY = `?emailaddress=${encodeURIComponent(ADDRESS)}&Email=${encodeURIComponent(ADDRESS)}&Protocol=AutodiscoverV1`

/** Every route of the built app, as the hardening module collected them (dist/ is built first). */
async function discoverRoutes(config: string): Promise<{ method: string; url: string }[]> {
  const load = (file: string) => import(join(ROOT, 'dist', file))
  const [
    { buildApp },
    { routesOf },
    { loadSettings },
    { createSnapshot },
    { SnapshotStore },
    { createLogger },
  ] = await Promise.all(
    [
      'app.js',
      'http/hardening.js',
      'settings/load-settings.js',
      'state/snapshot.js',
      'state/snapshot-store.js',
      'logging/logger.js',
    ].map(load),
  )
  const store = new SnapshotStore(createSnapshot(loadSettings(config)))
  const app = buildApp({ store, logger: createLogger('silent') })
  await app.ready()
  const entries = [...routesOf(app).entries]
  await app.close()
  return entries
}

function targetsFor(routes: readonly { method: string; url: string }[]): Target[] {
  const real = routes.map(({ method, url }) => {
    const path = url.replace(/:[A-Za-z0-9_]+/g, encodeURIComponent(ADDRESS)).replace('*', 'x')
    const headers: Record<string, string> = { host: 'autoconfig.example.com' }
    const post = method === 'POST'
    if (post) headers['content-type'] = 'text/xml; charset=utf-8'
    return {
      name: `${method} ${url}`,
      method,
      path: `${path}${post ? '' : QUERY}`,
      headers,
      ...(post ? { body: POX } : {}),
    }
  })
  // Some abuse in the mix: unknown paths, wrong methods, oversized and hostile bodies, a bad Host.
  const hostile: Target[] = [
    { name: 'abuse: unknown path', method: 'GET', path: '/wp-login.php', headers: {} },
    { name: 'abuse: wrong method', method: 'DELETE', path: '/mail/config-v1.1.xml', headers: {} },
    { name: 'abuse: bad Host', method: 'GET', path: '/healthz', headers: { host: 'bad host' } },
    {
      name: 'abuse: oversized body',
      method: 'POST',
      path: '/autodiscover/autodiscover.xml',
      headers: { 'content-type': 'text/xml' },
      body: 'x'.repeat(20_000),
    },
    {
      name: 'abuse: entity bomb',
      method: 'POST',
      path: '/autodiscover/autodiscover.xml',
      headers: { 'content-type': 'text/xml' },
      body: '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "bbbbbbbb"><!ENTITY c "&b;&b;&b;&b;&b;&b;">]><Autodiscover>&c;</Autodiscover>',
    },
  ]
  return [...real, ...hostile]
}

interface Tally {
  requests: number
  errors: number
  readonly statuses: Map<string, Map<number, number>>
  readonly errorKinds: Map<string, number>
}

function send(agent: Agent, base: string, target: Target): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(target.path, base),
      { method: target.method, headers: target.headers, agent },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(target.body)
  })
}

async function worker(
  base: string,
  targets: readonly Target[],
  until: number,
  offset: number,
  tally: Tally,
  stopped: () => boolean,
) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  // A dead service ends the run at once: its connection errors are counted, not repeated for minutes.
  for (let i = offset; Date.now() < until && !stopped(); i++) {
    const target = targets[i % targets.length] as Target
    tally.requests++
    try {
      const status = await send(agent, base, target)
      const byStatus = tally.statuses.get(target.name) ?? new Map<number, number>()
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
      tally.statuses.set(target.name, byStatus)
    } catch (error) {
      tally.errors++
      const kind = (error as NodeJS.ErrnoException).code ?? 'error'
      tally.errorKinds.set(kind, (tally.errorKinds.get(kind) ?? 0) + 1)
    }
  }
  agent.destroy()
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function loadedAt(base: string): Promise<string | undefined> {
  try {
    const res = await fetch(new URL('/readyz', base))
    return ((await res.json()) as { loadedAt?: string }).loadedAt
  } catch {
    return undefined
  }
}

/** Half-way: change the config file, send SIGHUP, and see whether the service reloaded and lives on. */
async function reloadHalfWay(service: Awaited<ReturnType<typeof startService>>, config: string) {
  await sleep(seconds * 500)
  const before = await loadedAt(service.url)
  const text = readFileSync(config, 'utf8')
  writeFileSync(config, text.replace('name: Example Mail', 'name: Example Mail (reloaded)'))
  process.kill(service.pid, 'SIGHUP')
  await sleep(1000)
  const after = await loadedAt(service.url)
  const alive = service.child.exitCode === null && service.child.signalCode === null
  return {
    alive,
    loadedAtBefore: before,
    loadedAtAfter: after,
    reloaded: after !== undefined && after !== before,
  }
}

async function main(): Promise<number> {
  const workDir = mkdtempSync(join(tmpdir(), 'mailsetup-soak-'))
  const config = join(workDir, 'soak.yaml')
  // One loopback client would be rate limited at once: the soak measures the service, not the limiter.
  const bundled = parse(readFileSync(join(ROOT, 'config/mailsetup.yaml'), 'utf8'))
  writeWithService(config, bundled, { rateLimit: null })
  const targets = targetsFor(await discoverRoutes(config))
  const logFile = join(workDir, 'service.log')
  const service = await startService(config, logFile)
  console.log(
    `soak: ${seconds} s, ${connections} connections, ${targets.length} request kinds, pid ${service.pid}`,
  )
  const tally: Tally = { requests: 0, errors: 0, statuses: new Map(), errorKinds: new Map() }
  const start = Date.now()
  const rss: { s: number; mb: number }[] = []
  const stopped = () => service.child.exitCode !== null || service.child.signalCode !== null
  const sampler = setInterval(() => {
    if (!stopped()) rss.push({ s: Math.round((Date.now() - start) / 1000), mb: memoryOf(service.pid).rssMb })
  }, 1000)
  const reload = reloadHalfWay(service, config)
  const until = start + seconds * 1000
  await Promise.all(
    Array.from({ length: connections }, (_, i) => worker(service.url, targets, until, i * 7, tally, stopped)),
  )
  const reloadResult = await reload
  clearInterval(sampler)
  const alive = !stopped()
  const final = alive ? memoryOf(service.pid) : undefined
  const reloadLogs = readLog(logFile)
    .filter((l) => /reload|SIGHUP/i.test(l.msg))
    .map((l) => l.msg)
  await service.stop()
  return report({
    tally,
    rss,
    final,
    alive,
    reloadResult,
    reloadLogs,
    elapsed: (Date.now() - start) / 1000,
    logFile,
  })
}

function report(r: {
  tally: Tally
  rss: { s: number; mb: number }[]
  final: { rssMb: number; peakRssMb: number } | undefined
  alive: boolean
  reloadResult: Awaited<ReturnType<typeof reloadHalfWay>>
  reloadLogs: string[]
  elapsed: number
  logFile: string
}): number {
  const { tally, rss } = r
  const totals = new Map<number, number>()
  console.log('\nstatus counts per request kind:')
  for (const [name, byStatus] of tally.statuses) {
    console.log(`  ${name.padEnd(60)} ${[...byStatus].map(([s, n]) => `${s}×${n}`).join(' ')}`)
    for (const [s, n] of byStatus) totals.set(s, (totals.get(s) ?? 0) + n)
  }
  const serverErrors = [...totals].filter(([s]) => s >= 500).reduce((sum, [, n]) => sum + n, 0)
  // The first tenth of the run warms up (JIT, caches); growth is measured from there to the end.
  const warm = rss.find((x) => x.s >= Math.max(1, seconds / 10)) ?? rss[0]
  const last = rss.at(-1)
  const summary = {
    seconds: Math.round(r.elapsed),
    requests: tally.requests,
    requestsPerSecond: Math.round(tally.requests / r.elapsed),
    statuses: Object.fromEntries([...totals].sort(([a], [b]) => a - b)),
    serverErrors,
    connectionErrors: Object.fromEntries(tally.errorKinds),
    rssMb: {
      afterWarmUp: warm?.mb,
      end: last?.mb,
      peak: r.final?.peakRssMb,
      growth: warm && last ? +(last.mb - warm.mb).toFixed(1) : undefined,
    },
    reload: { ...r.reloadResult, logLines: r.reloadLogs },
    aliveAtEnd: r.alive,
    serviceLog: r.logFile,
  }
  console.log(`\n${JSON.stringify(summary, null, 2)}`)
  const ok = r.alive && serverErrors === 0 && tally.errors === 0
  console.log(
    ok ? '\nsoak: OK' : '\nsoak: FAILED (service died, 5xx answers or connection errors; see above)',
  )
  return ok ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
