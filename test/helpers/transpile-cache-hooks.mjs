// Module hooks for test/helpers/transpile-cache.mjs. tap's TypeScript plugin (ts-node) transpiles every
// .ts module in every test process: about 3 of a typical test file's 4 seconds here, 56 times over.
// These hooks run ahead of ts-node's: a module whose source, path and compiler set-up were transpiled
// before is read back from disk; any other goes to ts-node, and what it returns is kept. The output is
// ts-node's own, byte for byte, so coverage (mapped back through its source maps) is unchanged.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

let cacheDir
let setup

export function initialize(data) {
  cacheDir = data.cacheDir
  setup = data.setup
  mkdirSync(cacheDir, { recursive: true })
}

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

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context)
  const path = cachePath(url, readFileSync(fileURLToPath(url), 'utf8'))
  const cached = readCached(path)
  if (cached !== undefined) return { format: 'module', source: cached, shortCircuit: true }
  const result = await nextLoad(url, context)
  if (result.format === 'module' && result.source !== undefined && result.source !== null) {
    // Two test processes may transpile the same module at once: each writes its own file, then
    // renames it into place, so a reader never sees half a file.
    const partial = `${path}.${process.pid}.${Date.now()}`
    writeFileSync(partial, String(result.source))
    renameSync(partial, path)
  }
  return result
}
