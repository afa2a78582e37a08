// Module hooks for test/helpers/transpile-cache.mjs. tap's TypeScript plugin (ts-node) transpiles every
// .ts module in every test process: about 3 of a typical test file's 4 seconds here, 56 times over.
// These hooks run ahead of ts-node's: a module whose source, path and compiler set-up were transpiled
// before is read back from disk; any other goes to ts-node, and what it returns is kept. The output is
// ts-node's own, byte for byte, so coverage (mapped back through its source maps) is unchanged.
// The cache only ever saves time: whatever goes wrong with it (no space, a read-only folder), the
// module is loaded through ts-node as if it were not there.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

let cacheDir
let setup

export function initialize(data) {
  cacheDir = data.cacheDir
  setup = data.setup
  try {
    mkdirSync(cacheDir, { recursive: true })
  } catch {
    cacheDir = undefined
  }
}

const readSource = (url) => readFileSync(fileURLToPath(url), 'utf8')

function cachePath(url, source) {
  const key = createHash('sha256').update(setup).update('\0').update(url).update('\0').update(source)
  return join(cacheDir, `${key.digest('hex')}.js`)
}

function readCached(path) {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

// Two test processes may transpile the same module at once: each writes its own file, then renames it
// into place, so a reader never sees half a file.
function keep(path, output) {
  const partial = `${path}.${process.pid}.${Date.now()}`
  try {
    writeFileSync(partial, output)
    renameSync(partial, path)
  } catch {
    rmSync(partial, { force: true })
  }
}

export async function load(url, context, nextLoad) {
  if (cacheDir === undefined || !url.startsWith('file:') || !url.endsWith('.ts'))
    return nextLoad(url, context)
  const source = readSource(url)
  const path = cachePath(url, source)
  const cached = readCached(path)
  if (cached !== undefined) return { format: 'module', source: cached, shortCircuit: true }
  const result = await nextLoad(url, context)
  // Kept only if the file did not change while ts-node read it, so the key names what was transpiled.
  const output = result.source
  if (result.format === 'module' && output !== undefined && output !== null && readSource(url) === source) {
    keep(path, String(output))
  }
  return result
}
