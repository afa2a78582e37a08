// Loaded by every test process (`node-arg` in package.json's tap section): keeps each .ts module as
// ts-node transpiled it, in node_modules/.cache, so the other test processes read it instead of
// transpiling it again (test/helpers/transpile-cache-hooks.mjs says why).
// The set-up string names everything else the output depends on: a change to any of them starts a
// fresh set of entries.
import { readFileSync } from 'node:fs'
import { createRequire, register } from 'node:module'

const root = new URL('../../', import.meta.url)
const require = createRequire(root)
const version = (name) => require(`${name}/package.json`).version
const setup = [
  'transpile-cache 1',
  process.version,
  version('typescript'),
  version('@isaacs/ts-node-temp-fork-for-pr-2009'),
  readFileSync(new URL('tsconfig.json', root), 'utf8'),
  process.env.TS_NODE_TRANSPILE_ONLY ?? '',
].join('\n')
const cacheDir = new URL('node_modules/.cache/mailsetup-transpiled/', root)

register('./transpile-cache-hooks.mjs', {
  parentURL: import.meta.url,
  data: { cacheDir: cacheDir.pathname, setup },
})
