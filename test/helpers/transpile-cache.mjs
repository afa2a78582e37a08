// Loaded by every test process (`node-arg` in package.json's tap section): keeps each .ts module as
// ts-node transpiled it, in node_modules/.cache, so the other test processes read it instead of
// transpiling it again (test/helpers/transpile-cache-hooks.mjs says why).
// The set-up string names everything else the output depends on (the tsconfig files tap and ts-node
// may read, their TS_NODE_* and TAP_TSCONFIG settings, package.json's module type, the versions): a
// change to any of them starts a fresh set of entries. With type-checking on (`tap --typecheck`), or
// MAILSETUP_TRANSPILE_CACHE=off, nothing is cached: ts-node must see every module.
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire, register } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = new URL('../../', import.meta.url)
const off = process.env.MAILSETUP_TRANSPILE_CACHE === 'off' || process.env.TS_NODE_TRANSPILE_ONLY !== '1'

if (!off) {
  const require = createRequire(root)
  const version = (name) => require(`${name}/package.json`).version
  const tsconfigs = readdirSync(root)
    .filter((name) => /^tsconfig.*\.json$/.test(name))
    .sort()
    .map((name) => `${name}\n${readFileSync(new URL(name, root), 'utf8')}`)
  const settings = Object.entries(process.env)
    .filter(([name]) => name.startsWith('TS_NODE_') || name === 'TAP_TSCONFIG')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
  const setup = [
    'transpile-cache 2',
    process.version,
    version('typescript'),
    version('@isaacs/ts-node-temp-fork-for-pr-2009'),
    JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).type ?? 'commonjs',
    ...settings,
    ...tsconfigs,
  ].join('\n')
  const cacheDir = fileURLToPath(new URL('node_modules/.cache/mailsetup-transpiled/', root))
  register('./transpile-cache-hooks.mjs', { parentURL: import.meta.url, data: { cacheDir, setup } })
}
