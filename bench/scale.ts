// 100,000 hosted domains: start-up time, reload time under load (no failed request), resident memory.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BENCH_RATE_LIMIT, validates } from './bench-config.js'
import { countAliases, DEFAULT_GENERATE_OPTIONS, generateConfig, generatedDomain } from './generate-config.js'
import { probe } from './http-probe.js'
import { type LoadResult, runLoad } from './load.js'
import type { BenchOptions } from './options.js'
import { type ServiceProcess, memoryOf, startService } from './processes.js'

export interface ReloadResult {
  readonly method: 'SIGHUP' | 'in-process'
  /** SIGHUP: signal sent until /readyz shows the new snapshot (polled every 5 ms). */
  readonly reloadMs: readonly number[]
  readonly load?: LoadResult
  readonly peakRssMb?: number
  readonly note?: string
}

export interface ScaleResult {
  readonly domains: number
  readonly aliases: number
  readonly format: 'json' | 'yaml'
  readonly configBytes: number
  readonly startupMs: number
  /** Right after start-up. */
  readonly rssMb: number
  /** After SETTLE_MS without requests: what the idle service keeps once V8 has given memory back. */
  readonly settledRssMb: number
  readonly reload?: ReloadResult
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// V8's memory reducer gives memory back to the system 8 s after the last major GC of a quiet heap
// (--gc-memory-reducer-start-delay-ms), which comes a few seconds after start-up.
const SETTLE_MS = 20_000

/**
 * Whether the running service handles SIGHUP (reload lands with the operations issue; without a
 * handler SIGHUP ends the process). Linux lists the signals a process catches in /proc: bit 0 is SIGHUP.
 */
function catchesSighup(pid: number): boolean {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const caught = /^SigCgt:\s+([0-9a-f]+)$/m.exec(status)?.[1] ?? '0'
  return (BigInt(`0x${caught}`) & 1n) === 1n
}

async function loadedAt(service: ServiceProcess): Promise<string> {
  const answer = await probe(service.url, { method: 'GET', path: '/readyz', headers: {} })
  return String((JSON.parse(answer.body.toString()) as { loadedAt?: string }).loadedAt)
}

async function reloadOnce(service: ServiceProcess): Promise<number> {
  const before = await loadedAt(service)
  const sent = performance.now()
  process.kill(service.pid, 'SIGHUP')
  while ((await loadedAt(service)) === before) {
    if (performance.now() - sent > 60_000) throw new Error('no reload within 60 s')
    await sleep(5)
  }
  return performance.now() - sent
}

async function reloadUnderLoad(service: ServiceProcess, options: BenchOptions): Promise<ReloadResult> {
  const address = encodeURIComponent(`alice@${generatedDomain(Math.floor(options.domains / 2))}`)
  const duration = Math.max(6, options.duration)
  const load = runLoad(
    { url: service.url, method: 'GET', path: `/mail/config-v1.1.xml?emailaddress=${address}`, headers: {} },
    { duration, connections: options.connections, expectedStatus: 200 },
  )
  const reloadMs: number[] = []
  await sleep(1000)
  for (let i = 0; i < 3 && reloadMs.reduce((a, b) => a + b + 500, 1000) < (duration - 1) * 1000; i++) {
    reloadMs.push(await reloadOnce(service))
    await sleep(500)
  }
  return { method: 'SIGHUP', reloadMs, load: await load, peakRssMb: memoryOf(service.pid).peakRssMb }
}

function reloadInProcess(config: string): ReloadResult {
  const script = new URL('./measure-load.js', import.meta.url).pathname
  const out = JSON.parse(execFileSync(process.execPath, [script, config], { encoding: 'utf8' })) as {
    runs: { loadMs: number; snapshotMs: number }[]
    rssMb: number
  }
  return {
    method: 'in-process',
    reloadMs: out.runs.slice(1).map((r) => r.loadMs + r.snapshotMs),
    note: 'this build has no SIGHUP reload: loadSettings + createSnapshot timed in a separate process',
    peakRssMb: out.rssMb,
  }
}

export async function runScale(
  options: BenchOptions,
  workDir: string,
  format: 'json' | 'yaml',
  log: (line: string) => void,
  withReload: boolean,
): Promise<ScaleResult> {
  const config = join(workDir, `domains-${options.domains}.${format}`)
  const generate = { ...DEFAULT_GENERATE_OPTIONS, domains: options.domains, format }
  const limit = { rateLimit: BENCH_RATE_LIMIT }
  const text = generateConfig({ ...generate, service: limit })
  writeFileSync(config, text)
  if (!validates(config)) writeFileSync(config, generateConfig(generate))
  log(`scale (${format}, ${options.domains} domains, ${(text.length / 2 ** 20).toFixed(1)} MB): starting`)
  const service = await startService(config, join(workDir, `scale-${format}.log`))
  try {
    const rssMb = memoryOf(service.pid).rssMb
    log(`  start-up ${service.startupMs} ms, RSS ${rssMb.toFixed(0)} MB`)
    await sleep(SETTLE_MS)
    const settledRssMb = memoryOf(service.pid).rssMb
    log(`  RSS after ${SETTLE_MS / 1000} s idle ${settledRssMb.toFixed(0)} MB`)
    const result = {
      domains: options.domains,
      aliases: countAliases(generate),
      format,
      configBytes: text.length,
      startupMs: service.startupMs,
      rssMb,
      settledRssMb,
    }
    if (!withReload) return result
    const reload = catchesSighup(service.pid)
      ? await reloadUnderLoad(service, options)
      : reloadInProcess(config)
    log(
      `  reload (${reload.method}) ${reload.reloadMs.map((ms) => ms.toFixed(0)).join(', ')} ms` +
        (reload.load
          ? `, ${reload.load.requests} requests, ${reload.load.errors + reload.load.unexpected} failed`
          : '') +
        (reload.peakRssMb ? `, peak RSS ${reload.peakRssMb.toFixed(0)} MB` : ''),
    )
    return { ...result, reload }
  } finally {
    await service.stop()
  }
}
