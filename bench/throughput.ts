// Each scenario against the service and against a bare node:http server answering the same document.
import { join } from 'node:path'
import { writeBenchConfigs } from './bench-config.js'
import { probe } from './http-probe.js'
import { type LoadResult, runLoad } from './load.js'
import type { BenchOptions } from './options.js'
import { choosePlacement, type Placement, pin } from './placement.js'
import { type ServiceProcess, startBare, startService } from './processes.js'
import { SCENARIOS, type Scenario } from './scenarios.js'

export interface ScenarioResult {
  readonly name: string
  readonly available: boolean
  /** Why it did not run (the route is not on this build, or the probe answered something else). */
  readonly reason?: string
  readonly bytes?: number
  readonly service?: LoadResult
  readonly bare?: LoadResult
  /** Service requests/s divided by the bare server's. */
  readonly ratio?: number
  /** The bare server's CPU time per request divided by the service's (Linux only). */
  readonly cpuRatio?: number
  readonly targetRatio?: number
}

const ROUNDS = 3

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

/** Rounds of all results, one figure each: the median round (noise from other work hits single rounds). */
function combine(rounds: readonly LoadResult[]): LoadResult {
  const pick = (key: 'requestsPerSecond' | 'p50Ms' | 'p99Ms') => median(rounds.map((r) => r[key]))
  const sum = (key: 'requests' | 'errors' | 'unexpected') => rounds.reduce((total, r) => total + r[key], 0)
  const cpu = rounds.map((r) => r.cpuMicrosPerRequest).filter((c): c is number => c !== undefined)
  return {
    ...(cpu.length === rounds.length ? { cpuMicrosPerRequest: median(cpu) } : {}),
    requestsPerSecond: pick('requestsPerSecond'),
    p50Ms: pick('p50Ms'),
    p99Ms: pick('p99Ms'),
    requests: sum('requests'),
    errors: sum('errors'),
    unexpected: sum('unexpected'),
  }
}

const describe = (label: string, r: LoadResult) =>
  `  ${label.padEnd(8)} ${r.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms` +
  (r.cpuMicrosPerRequest === undefined ? '' : `  CPU ${r.cpuMicrosPerRequest.toFixed(0)} µs/request`) +
  (r.errors + r.unexpected > 0 ? `  ${r.errors} errors, ${r.unexpected} unexpected statuses` : '')

/**
 * Service and bare server take turns, in rounds that share the duration, so that a burst of other
 * work on the machine hits both about equally. Each gets a warm-up first.
 */
async function measurePair(
  servers: { service: { url: string; pid: number }; bare: { url: string; pid: number } },
  scenario: Scenario,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<{ service: LoadResult; bare: LoadResult }> {
  const load = { connections: options.connections, expectedStatus: scenario.status }
  const rounds = { service: [] as LoadResult[], bare: [] as LoadResult[] }
  for (const which of ['service', 'bare'] as const)
    await runLoad({ ...scenario, url: servers[which].url }, { ...load, duration: options.warmup })
  for (let round = 0; round < ROUNDS; round++) {
    // Turns swap each round (service first, then bare first), so that neither always follows the other.
    const order = round % 2 === 0 ? (['service', 'bare'] as const) : (['bare', 'service'] as const)
    for (const which of order) {
      const duration = Math.max(1, Math.round(options.duration / ROUNDS))
      const { url, pid } = servers[which]
      rounds[which].push(await runLoad({ ...scenario, url }, { ...load, duration, serverPid: pid }))
    }
  }
  const result = { service: combine(rounds.service), bare: combine(rounds.bare) }
  log(describe('service', result.service))
  log(describe('bare', result.bare))
  return result
}

async function runScenario(
  service: ServiceProcess | undefined,
  scenario: Scenario,
  run: { options: BenchOptions; workDir: string; placement: Placement | undefined },
  log: (line: string) => void,
): Promise<ScenarioResult> {
  const { options, workDir, placement } = run
  const base = { name: scenario.name, ...(scenario.targetRatio ? { targetRatio: scenario.targetRatio } : {}) }
  if (service === undefined) return { ...base, available: false, reason: 'this build cannot sign profiles' }
  const answer = await probe(service.url, scenario)
  if (answer.status !== scenario.status) {
    return { ...base, available: false, reason: `probe answered ${answer.status}, not ${scenario.status}` }
  }
  log(`${scenario.name}: ${answer.body.length} bytes, ${answer.contentType}`)
  const bare = await startBare(answer, workDir)
  if (placement !== undefined) pinOrFail(bare.pid, placement.servers)
  try {
    const measured = await measurePair({ service, bare }, scenario, options, log)
    const ratio = measured.service.requestsPerSecond / measured.bare.requestsPerSecond
    const bareCpu = measured.bare.cpuMicrosPerRequest
    const serviceCpu = measured.service.cpuMicrosPerRequest
    const cpuRatio = bareCpu === undefined || serviceCpu === undefined ? undefined : bareCpu / serviceCpu
    log(
      `  ratio ${ratio.toFixed(2)}${scenario.targetRatio ? ` (target ≥ ${scenario.targetRatio})` : ''}` +
        (cpuRatio === undefined ? '' : `; CPU per request ratio ${cpuRatio.toFixed(2)}`),
    )
    return {
      ...base,
      available: true,
      bytes: answer.body.length,
      ...measured,
      ratio,
      ...(cpuRatio === undefined ? {} : { cpuRatio }),
    }
  } finally {
    await bare.stop()
  }
}

function pinOrFail(pid: number, cpus: string): void {
  if (!pin(pid, cpus)) throw new Error(`could not pin process ${pid} to CPU ${cpus} (try --pin off)`)
}

/** Placement as the results record it: the CPUs, or why the run is not pinned. */
export type PlacementRecord =
  | { readonly pinned: true; readonly servers: string; readonly loadGenerator: string }
  | { readonly pinned: false; readonly reason: string }

function place(options: BenchOptions, log: (line: string) => void): Placement | PlacementRecord {
  if (!options.pin) return { pinned: false, reason: '--pin off' }
  const chosen = choosePlacement()
  if ('reason' in chosen) {
    log(`not pinned: ${chosen.reason}\n`)
    return { pinned: false, reason: chosen.reason }
  }
  if (!pin(process.pid, chosen.loadGenerator)) {
    // A container may forbid setting affinity (EPERM): measured unpinned then, and said so.
    const reason = 'taskset could not set CPU affinity'
    log(`not pinned: ${reason}\n`)
    return { pinned: false, reason }
  }
  log(`pinned: each server on CPU ${chosen.servers}, the load generator on CPU ${chosen.loadGenerator}\n`)
  return chosen
}

export async function runThroughput(
  options: BenchOptions,
  workDir: string,
  log: (line: string) => void,
): Promise<{ rateLimited: boolean; placement: PlacementRecord; scenarios: ScenarioResult[] }> {
  const configs = writeBenchConfigs(workDir)
  const wanted = SCENARIOS.filter((s) => options.scenarios.length === 0 || options.scenarios.includes(s.name))
  const results: ScenarioResult[] = []
  const placed = place(options, log)
  const placement = 'before' in placed ? placed : undefined
  try {
    for (const kind of ['plain', 'signed'] as const) {
      const mine = wanted.filter((s) => s.service === kind)
      if (mine.length === 0) continue
      const config = configs[kind]
      const service =
        config === undefined ? undefined : await startService(config, join(workDir, `${kind}.log`))
      try {
        if (service !== undefined && placement !== undefined) pinOrFail(service.pid, placement.servers)
        for (const scenario of mine)
          results.push(await runScenario(service, scenario, { options, workDir, placement }, log))
      } finally {
        await service?.stop()
      }
    }
  } finally {
    // The scale part after this one measures start-up and reloads on every CPU, as before.
    if (placement !== undefined && !pin(process.pid, placement.before))
      log(
        `could not give the bench its CPUs back (${placement.before}): what follows runs on CPU ${placement.loadGenerator}`,
      )
  }
  const record: PlacementRecord =
    placement === undefined
      ? (placed as PlacementRecord)
      : { pinned: true, servers: placement.servers, loadGenerator: placement.loadGenerator }
  return { rateLimited: configs.rateLimited, placement: record, scenarios: results }
}
