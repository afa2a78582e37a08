// `npm run bench`: throughput of each scenario against a bare node:http server, then 100,000 domains.
// Numbers on a shared machine are noisy; the ratio to the bare server measured in the same run counts.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { BENCH_HELP, parseBenchOptions } from './options.js'
import { ROOT } from './processes.js'
import { runScale, type ScaleResult } from './scale.js'
import { runThroughput, type ScenarioResult } from './throughput.js'

const log = (line: string) => process.stdout.write(`${line}\n`)

function summary(scenarios: readonly ScenarioResult[]): string {
  const rows = scenarios.map((s) => {
    if (!s.available || s.service === undefined || s.bare === undefined || s.ratio === undefined)
      return `${s.name.padEnd(24)} not available (${s.reason})`
    const wrong = s.service.errors + s.service.unexpected
    if (wrong > 0) return `${s.name.padEnd(24)} INVALID: ${wrong} failed requests or unexpected statuses`
    const target = s.targetRatio === undefined ? '' : s.ratio >= s.targetRatio ? '  ok' : '  BELOW TARGET'
    const p99 = s.service.p99Ms < 10 ? '' : '  p99 over 10 ms'
    const cpu = s.cpuRatio === undefined ? '' : `  CPU ratio ${s.cpuRatio.toFixed(2)}`
    return `${s.name.padEnd(24)} ${s.service.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${String(s.service.p50Ms).padStart(3)} ms  p99 ${String(s.service.p99Ms).padStart(3)} ms  bare ${s.bare.requestsPerSecond.toFixed(0).padStart(7)} req/s  ratio ${s.ratio.toFixed(2)}${cpu}${target}${p99}`
  })
  return rows.join('\n')
}

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    log(BENCH_HELP)
    return 0
  }
  const options = parseBenchOptions(process.argv.slice(2), process.env)
  const workDir = join(ROOT, 'bench/results/work')
  mkdirSync(workDir, { recursive: true })
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavg: loadavg() }
  log(
    `mailsetup bench: ${machine.cpus} × ${machine.cpu}, node ${machine.node}, load ${machine.loadavg.map((l) => l.toFixed(1)).join(' ')}`,
  )
  log(
    `${options.connections} connections, ${options.warmup} s warm-up + ${options.duration} s per server and scenario\n`,
  )
  let throughput: Awaited<ReturnType<typeof runThroughput>> | undefined
  const scale: ScaleResult[] = []
  if (options.only !== 'scale') throughput = await runThroughput(options, workDir, log)
  if (options.only !== 'throughput') {
    scale.push(await runScale(options, workDir, 'json', log, true))
    scale.push(await runScale(options, workDir, 'yaml', log, false))
  }
  if (throughput !== undefined) log(`\n${summary(throughput.scenarios)}`)
  const results = { date: new Date().toISOString(), machine, options, throughput, scale }
  // Relative to the project (its default is bench/results/), an absolute path as given.
  const out = resolve(ROOT, options.out)
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
  log(`\nresults: ${out}`)
  return 0
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: Error) => {
    process.stderr.write(`bench: ${error.message}\n`)
    process.exitCode = 1
  },
)
