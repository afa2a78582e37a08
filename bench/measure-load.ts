// In-process settings load, for builds without a reload signal: loadSettings + createSnapshot, timed.
// Usage: node dist-bench/measure-load.js <config>; prints one JSON line.
import { join } from 'node:path'
import { ROOT } from './processes.js'

interface LoadModules {
  loadSettings: (path: string) => unknown
  createSnapshot: (loaded: unknown) => unknown
}

const config = process.argv[2] as string
const { loadSettings } = (await import(join(ROOT, 'dist/settings/load-settings.js'))) as LoadModules
const { createSnapshot } = (await import(join(ROOT, 'dist/state/snapshot.js'))) as LoadModules
const runs: { loadMs: number; snapshotMs: number }[] = []
// The first run includes compiling the code; later ones are what a reload costs in a running service.
for (let i = 0; i < 3; i++) {
  const started = performance.now()
  const loaded = loadSettings(config)
  const loadedAt = performance.now()
  createSnapshot(loaded)
  runs.push({ loadMs: loadedAt - started, snapshotMs: performance.now() - loadedAt })
}
process.stdout.write(`${JSON.stringify({ runs, rssMb: process.memoryUsage().rss / 2 ** 20 })}\n`)
