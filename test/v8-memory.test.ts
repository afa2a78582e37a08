// `serve` collects loading's garbage just before it listens (issue 9: RSS under 100 MB at 100,000
// domains); the memory it gives back is measured by `npm run bench:scale`, not here.
import { setImmediate as nextTurn } from 'node:timers/promises'
import { runInNewContext } from 'node:vm'
import t from 'tap'
import { collectGarbage } from '../src/cli/v8-memory.js'

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
