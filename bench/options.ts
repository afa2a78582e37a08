// Flags and environment of `npm run bench`: every knob has a flag and an env var (flags win).

export interface BenchOptions {
  /** Seconds of measured load per scenario and server. */
  readonly duration: number
  /** Seconds of unmeasured load first, so both servers run optimised code. */
  readonly warmup: number
  readonly connections: number
  /** `throughput` (scenarios against the bundled config), `scale` (100,000 domains), or both. */
  readonly only: 'all' | 'throughput' | 'scale'
  /** Hosted domains of the scale measurement. */
  readonly domains: number
  /** Scenario names to run (empty: all). */
  readonly scenarios: readonly string[]
  /** Servers on one CPU and the load generator on the others (bench/placement.ts). */
  readonly pin: boolean
  readonly out: string
}

export const BENCH_HELP = `Usage: npm run bench -- [options]

  --duration <s>      measured seconds per scenario and server, in 3 alternating rounds (BENCH_DURATION, default 6)
  --warmup <s>        unmeasured seconds before each scenario, per server (BENCH_WARMUP, default 3)
  --connections <n>   concurrent connections (BENCH_CONNECTIONS, default 50)
  --only <part>       throughput, scale or all (BENCH_ONLY, default all)
  --domains <n>       hosted domains of the scale measurement (BENCH_DOMAINS, default 100000)
  --scenario <name>   run only this scenario; repeatable (BENCH_SCENARIOS, comma-separated)
  --pin <on|off>      throughput with the servers on one CPU, the load generator on the rest (BENCH_PIN, default on)
  --out <file>        JSON results (BENCH_OUT, default bench/results/latest.json)
`

function positive(name: string, raw: string, integer: boolean): number {
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)))
    throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'} (got "${raw}")`)
  return value
}

function flagValues(argv: readonly string[]): Map<string, string[]> {
  const values = new Map<string, string[]>()
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string
    const value = argv[i + 1]
    if (!flag.startsWith('--') || value === undefined) throw new Error(`unexpected argument "${flag}"`)
    values.set(flag.slice(2), [...(values.get(flag.slice(2)) ?? []), value])
    i++
  }
  return values
}

export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const flags = flagValues(argv)
  const known = ['duration', 'warmup', 'connections', 'only', 'domains', 'scenario', 'pin', 'out']
  for (const name of flags.keys()) if (!known.includes(name)) throw new Error(`unknown flag --${name}`)
  const pick = (flag: string, variable: string, fallback: string) =>
    flags.get(flag)?.at(-1) ?? env[variable] ?? fallback
  const only = pick('only', 'BENCH_ONLY', 'all')
  if (only !== 'all' && only !== 'throughput' && only !== 'scale')
    throw new Error(`--only must be throughput, scale or all (got "${only}")`)
  const pin = pick('pin', 'BENCH_PIN', 'on')
  if (pin !== 'on' && pin !== 'off') throw new Error(`--pin must be on or off (got "${pin}")`)
  return {
    duration: positive('--duration', pick('duration', 'BENCH_DURATION', '6'), false),
    warmup: positive('--warmup', pick('warmup', 'BENCH_WARMUP', '3'), false),
    connections: positive('--connections', pick('connections', 'BENCH_CONNECTIONS', '50'), true),
    only,
    domains: positive('--domains', pick('domains', 'BENCH_DOMAINS', '100000'), true),
    scenarios: flags.get('scenario') ?? (env.BENCH_SCENARIOS ? env.BENCH_SCENARIOS.split(',') : []),
    pin: pin === 'on',
    out: pick('out', 'BENCH_OUT', 'bench/results/latest.json'),
  }
}
