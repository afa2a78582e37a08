// The bench's own logic: its generated configs must load as real configs, and its flags parse as documented.
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import t from 'tap'
import {
  countAliases,
  DEFAULT_GENERATE_OPTIONS,
  generateConfig,
  generatedDomain,
} from '../bench/generate-config.js'
import { cpuMicros, cpuMicrosFromStat } from '../bench/cpu-time.js'
import { parseBenchOptions } from '../bench/options.js'
import { affinityOf, choosePlacement, parseCpuList, pin, planPlacement } from '../bench/placement.js'
import { parseSettings } from '../src/settings/load-settings.js'

const small = { ...DEFAULT_GENERATE_OPTIONS, domains: 400, variants: 7 }

for (const format of ['json', 'yaml'] as const) {
  t.test(`a generated ${format} config loads with its domains, aliases and overrides`, async (t) => {
    const text = generateConfig({ ...small, format })
    const { settings, warnings } = parseSettings(text, `generated.${format}`)
    t.equal(settings.domains.length, 400)
    t.equal(countAliases(small), 100 + 20)
    t.equal(settings.lookup.size, 400 + countAliases(small))
    t.same(warnings, [])
    // The shared defaults' profile plus one per variant in use (400 / 20 = 20 overriding domains).
    t.equal(settings.profiles.length, 1 + 7)
    const overriding = settings.lookup.get(generatedDomain(19))
    t.equal(overriding?.profile.incoming[0]?.hostname, 'imap.shard-0.example.com')
    t.equal(overriding?.profile.webmailUrl, 'https://webmail.shard-0.example.com/')
    const noExchange = settings.lookup.get(generatedDomain(39))
    t.equal(noExchange?.profile.exchange, undefined)
    t.equal(settings.lookup.get(generatedDomain(1))?.profile.incoming[0]?.hostname, 'imap.example.com')
    t.equal(settings.lookup.get('customer-000004.example.net')?.name, generatedDomain(4))
    t.equal(settings.lookup.get('mail-customer-000000.example')?.name, generatedDomain(0))
  })
}

t.test('generated configs carry extra service keys, and may have no overrides or aliases', async (t) => {
  const text = generateConfig({
    ...small,
    domains: 3,
    overrideEvery: 0,
    aliasEvery: 0,
    format: 'json',
    service: { publicUrl: 'https://setup.example.com' },
  })
  const { settings } = parseSettings(text, 'generated.json')
  t.equal(settings.service.publicUrl, 'https://setup.example.com')
  t.equal(settings.lookup.size, 3)
  t.equal(settings.profiles.length, 1)
  t.equal(countAliases({ ...small, aliasEvery: 0 }), 0)
})

t.test('bench options: defaults, environment, flags over environment, and mistakes', async (t) => {
  t.same(parseBenchOptions([], {}), {
    duration: 6,
    warmup: 3,
    connections: 50,
    only: 'all',
    domains: 100_000,
    scenarios: [],
    pin: true,
    out: 'bench/results/latest.json',
  })
  const env = { BENCH_DURATION: '2', BENCH_CONNECTIONS: '10', BENCH_SCENARIOS: 'a,b', BENCH_ONLY: 'scale' }
  const fromEnv = parseBenchOptions([], env)
  t.match(fromEnv, { duration: 2, connections: 10, scenarios: ['a', 'b'], only: 'scale' })
  const flags = ['--duration', '0.5', '--scenario', 'x', '--scenario', 'y', '--only', 'throughput']
  t.match(parseBenchOptions(flags, env), { duration: 0.5, scenarios: ['x', 'y'], only: 'throughput' })
  t.throws(() => parseBenchOptions(['--connections', '1.5'], {}), /positive integer/)
  t.throws(() => parseBenchOptions(['--duration', '0'], {}), /positive number/)
  t.throws(() => parseBenchOptions(['--only', 'some'], {}), /throughput, scale or all/)
  t.throws(() => parseBenchOptions(['--speed', '1'], {}), /unknown flag --speed/)
  t.throws(() => parseBenchOptions(['--duration'], {}), /unexpected argument/)
  t.throws(() => parseBenchOptions(['fast'], {}), /unexpected argument/)
  t.equal(parseBenchOptions([], { BENCH_PIN: 'off' }).pin, false)
  t.equal(parseBenchOptions(['--pin', 'on'], { BENCH_PIN: 'off' }).pin, true)
  t.throws(() => parseBenchOptions(['--pin', 'yes'], {}), /--pin must be on or off/)
})

t.test('placement: CPU lists, the plan, and why there is none', async (t) => {
  t.same(parseCpuList('0-2,5'), [0, 1, 2, 5])
  t.same(parseCpuList(' 3\n'), [3])
  t.equal(parseCpuList('2-1'), undefined)
  t.equal(parseCpuList('0,x'), undefined)
  t.same(planPlacement([0, 1, 2, 3], '0-3'), { servers: '0', loadGenerator: '1,2,3', before: '0-3' })
  t.same(planPlacement([4, 6], '4,6'), { servers: '4', loadGenerator: '6', before: '4,6' })
  t.equal(planPlacement([2], '2'), undefined, 'one CPU: nothing to split')
  t.same(
    choosePlacement(() => '0,1'),
    { servers: '0', loadGenerator: '1', before: '0,1' },
  )
  t.same(
    choosePlacement(() => undefined),
    { reason: 'taskset is not available' },
  )
  t.same(
    choosePlacement(() => '0'),
    { reason: 'fewer than two CPUs are allowed' },
  )
  t.match(
    choosePlacement(() => 'mask ff'),
    { reason: /unknown CPU list "mask ff"/ },
  )
})

t.test('placement: a process is pinned with taskset, and a failure is reported, not thrown', async (t) => {
  t.equal(pin(999_999_999, '0'), false, 'no such process')
  t.equal(affinityOf(999_999_999), undefined)
  const own = affinityOf(process.pid)
  if (own === undefined) {
    t.equal(pin(process.pid, '0'), false, 'without taskset nothing is pinned')
    return
  }
  // Pinned once running, with its threads (V8's, libuv's) started, as the bench pins its servers.
  const child = spawn(process.execPath, ['-e', 'console.log("up"); setTimeout(() => {}, 60_000)'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  t.teardown(() => child.kill())
  await new Promise((resolve) => child.stdout?.once('data', resolve))
  const pid = child.pid as number
  const first = (parseCpuList(own) as number[])[0] as number
  t.ok(pin(pid, String(first)))
  const threads = readdirSync(`/proc/${pid}/task`)
  t.ok(threads.length > 1, 'node runs several threads')
  t.same(
    threads.map((thread) => affinityOf(Number(thread))),
    threads.map(() => String(first)),
    'every thread on that CPU',
  )
  t.equal(pin(pid, '100000'), false, 'a CPU that does not exist')
  t.equal(affinityOf(pid), String(first), 'and the last pinning stands')
})

t.test('CPU time is read from /proc/<pid>/stat, and is undefined where it cannot be', async (t) => {
  const stat = '4242 (node serve) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 31 0 0 20 0 11 0 123 0 0'
  t.equal(cpuMicrosFromStat(stat), (250 + 31) * 10_000, 'utime + stime, after a name with a space')
  t.equal(cpuMicrosFromStat('not a stat line'), undefined)
  t.equal(cpuMicrosFromStat('1 (x) S 1'), undefined, 'too few fields')
  const own = cpuMicros(process.pid)
  t.ok(own === undefined || (Number.isFinite(own) && own >= 0), 'this process: a count, or none off Linux')
  t.equal(cpuMicros(-1), undefined, 'no such process')
})
