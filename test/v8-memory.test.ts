// `serve` collects loading's garbage just before it listens (issue 9: RSS under 100 MB at 100,000
// domains); the memory it gives back is measured by `npm run bench:scale`, not here.
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { promisify } from 'node:util'
import { runInNewContext } from 'node:vm'
import t from 'tap'
import { collectGarbage } from '../src/cli/v8-memory.js'

const run = promisify(execFile)

/** An object nothing refers to but the returned WeakRef. */
function garbage(): WeakRef<object> {
  return new WeakRef({ rows: Array.from({ length: 10_000 }, (_, i) => ({ i })) })
}

t.test('collectGarbage frees what nothing refers to', async (t) => {
  const weak = garbage()
  // A WeakRef keeps its target until the job that made or read it ends (ECMA-262 ClearKeptObjects).
  await nextTurn()
  t.not(weak.deref(), undefined, 'not yet collected')
  await nextTurn()
  collectGarbage()
  t.equal(weak.deref(), undefined, 'collected')
})

t.test('collectGarbage leaves no gc function behind', async (t) => {
  collectGarbage()
  t.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'none on this context')
  t.equal(runInNewContext('typeof gc'), 'undefined', 'none on contexts made later')
})

t.test('once serving, the young generation grows to its full size at once', async (t) => {
  // In a child process: V8 flags set here would stay with the test runner.
  const memory = new URL('../dist/cli/v8-memory.js', import.meta.url).href
  const script = `
    const { getHeapSpaceStatistics } = await import('node:v8')
    const { keepYoungGenerationSmall, allowYoungGenerationGrowth } = await import(${JSON.stringify(memory)})
    const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size
    keepYoungGenerationSmall()
    const loaded = []
    for (let i = 0; i < 300000; i++) loaded.push({ i, name: 'domain-' + i })
    const whileLoading = newSpace()
    allowYoungGenerationGrowth()
    // Requests: short-lived objects, a few hundred alive at a time.
    const inFlight = new Array(500)
    let n = 0
    for (; n < 20000 && newSpace() < 32 * 2 ** 20; n++) inFlight[n % 500] = { n, line: 'request ' + n }
    console.log(JSON.stringify({ whileLoading, serving: newSpace(), kept: loaded.length }))`
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script])
  const { whileLoading, serving } = JSON.parse(stdout) as { whileLoading: number; serving: number }
  // new_space counts both semi-spaces: 2 × 16 MiB is Node 20's full size on 64-bit machines.
  t.ok(whileLoading < 32 * 2 ** 20, `not grown while loading (${whileLoading} bytes)`)
  t.ok(serving >= 32 * 2 ** 20, `grown within 20,000 short-lived objects (${serving} bytes)`)
})

t.test(
  'tick objects keep their maps through any full collection, so process.nextTick stays fast',
  async (t) => {
    // V8 logs each map transition it makes (--log-maps). Had the tick objects' maps died in a
    // collection, the ticks after it would make the transition for async_id_symbol again, and the
    // object literal in process.nextTick would go megamorphic (v8-memory.ts says what that costs).
    // Both collections that did it are here: ours before listening, and a plain one with no tick
    // pending, as V8's memory reducer runs on an idle service.
    const memory = new URL('../dist/cli/v8-memory.js', import.meta.url).href
    const script = `
    const { collectGarbage, keepTickMapsAlive } = await import(${JSON.stringify(memory)})
    const turn = () => new Promise((done) => setImmediate(done))
    keepTickMapsAlive()
    for (let i = 0; i < 2000; i++) process.nextTick(() => {})
    await turn()
    const before = {}; before.mailsetupBeforeCollection = 1
    collectGarbage()
    await turn()
    globalThis.gc()
    const after = {}; after.mailsetupAfterCollection = 1
    await turn()
    for (let i = 0; i < 2000; i++) process.nextTick(() => {})
    await turn()`
    const log = join(t.testdir(), 'v8.log')
    await run(process.execPath, [
      '--expose-gc',
      '--log-maps',
      `--logfile=${log}`,
      '--no-logfile-per-isolate',
      '--input-type=module',
      '-e',
      script,
    ])
    // `map,Transition,time,from,to,…,name`. A tick object's maps: one adds async_id_symbol, the next
    // trigger_async_id_symbol. The map they start from can itself be lost and made anew (it was under
    // tap), so any such pair of steps made after the collections means the tick maps were lost.
    const transitions = (await readFile(log, 'utf8'))
      .split('\n')
      .filter((line) => line.startsWith('map,Transition,'))
      .map((line) => {
        const fields = line.split(',')
        return { from: fields[3] as string, to: fields[4] as string, name: fields.at(-1) as string }
      })
    const after = transitions.findIndex(({ name }) => name === 'mailsetupAfterCollection')
    const tickChains = (list: typeof transitions) =>
      list.filter(
        (m) =>
          m.name.includes('"async_id_symbol"') &&
          list.some((n) => n.from === m.to && n.name.includes('"trigger_async_id_symbol"')),
      )
    t.ok(after > 0, 'the log has the marker made after the collections')
    t.ok(tickChains(transitions.slice(0, after)).length > 0, 'the tick maps were made before the collections')
    t.same(tickChains(transitions.slice(after)), [], 'and not made again after them')
  },
)

t.test('once serving, V8 makes no new pretenuring decisions', async (t) => {
  // In a child process with a small young generation (V8 weighs pretenuring only when it is full) and
  // V8's trace of its decisions: objects from one literal that all outlive a few young collections
  // get their site tenured; after stopPretenuring a second literal doing the same does not.
  const memory = new URL('../dist/cli/v8-memory.js', import.meta.url).href
  const script = `
    const { stopPretenuring } = await import(${JSON.stringify(memory)})
    function churn(make) {
      const kept = []
      for (let round = 0; round < 40; round++) {
        for (let i = 0; i < 2000; i++) kept.push(make(round, i))
        for (let i = 0; i < 200000; i++) ({ garbage: i })
      }
      return kept.length
    }
    churn((round, i) => ({ loading: true, round, i }))
    console.log('SERVING')
    stopPretenuring()
    churn((round, i) => ({ serving: true, round, i }))`
  const flags = ['--max-semi-space-size=1', '--trace-pretenuring-statistics']
  const { stdout } = await run(process.execPath, [...flags, '--input-type=module', '-e', script], {
    maxBuffer: 64 * 2 ** 20,
  })
  const [loading = '', serving = ''] = stdout.split('SERVING')
  const decisions = (text: string) => text.split('\n').filter((line) => line.includes('=> tenure')).length
  t.ok(decisions(loading) > 0, `tenured while loading (${decisions(loading)} sites): the pattern works`)
  t.equal(decisions(serving), 0, 'none once serving')
})
