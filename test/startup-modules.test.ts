// Start-up with 100,000 domains must stay under a second (issue 9), and module loading is a good part
// of it: `serve` loads what every request needs, and the rest on first use. Checked by what a real
// `mailsetup serve` process loads, never by timing it.
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { stringify } from 'yaml'
import { COMMANDS } from '../src/cli/commands.js'
import { CLI_ENTRY } from './helpers/cli.js'
import { appFor, baseConfig } from './helpers/settings.js'

const RECORDER = new URL('./helpers/record-modules.mjs', import.meta.url).pathname

/** Starts `serve` on `config`, stops it once it listens, and lists the modules it had loaded. */
async function modulesLoadedBy(dir: string, config: string): Promise<string[]> {
  const record = join(dir, 'modules.txt')
  writeFileSync(record, '')
  const child = spawn(process.execPath, ['--import', RECORDER, CLI_ENTRY, 'serve'], {
    env: {
      ...process.env,
      MAILSETUP_CONFIG: config,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      RECORD_MODULES: record,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Server listening')) resolve()
    })
    child.on('close', () => reject(new Error(`serve ended before listening:\n${output}`)))
  })
  const closed = new Promise((resolve) => child.on('close', resolve))
  child.kill('SIGTERM')
  await closed
  return readFileSync(record, 'utf8').split('\n')
}

const loads = (modules: readonly string[], pattern: RegExp) => modules.some((m) => pattern.test(m))

t.test(
  'serving a JSON config loads neither the YAML parser, TypeBox, ajv, pkijs, nor other commands',
  async (t) => {
    const dir = t.testdir()
    const config = join(dir, 'mailsetup.json')
    writeFileSync(config, JSON.stringify(baseConfig()))
    const modules = await modulesLoadedBy(dir, config)
    t.ok(loads(modules, /node_modules\/fastify\//), 'the recorder sees packages')
    t.ok(loads(modules, /dist\/cli\/serve-command\.js/), 'the recorder sees the service modules')
    t.notOk(loads(modules, /node_modules\/yaml\//), 'no YAML parser')
    t.notOk(loads(modules, /node_modules\/(pkijs|asn1js)\//), 'no CMS signing (loaded on first signature)')
    t.notOk(loads(modules, /node_modules\/@sinclair\/typebox\//), 'no TypeBox (the generated check)')
    t.notOk(
      loads(modules, /node_modules\/(ajv|@fastify\/ajv-compiler|@fastify\/fast-json-stringify-compiler)\//),
      'no schema compilers',
    )
    t.notOk(loads(modules, /dist\/(check|dns)\//), 'nothing of `check`, `dns` or `doctor`')
    t.notOk(loads(modules, /dist\/cli\/(validate|check|dns|doctor)-command\.js/), 'no other command')
    // The one-file CommonJS build: the ES module build is dozens of files, several times slower to load.
    t.ok(loads(modules, /node_modules\/fast-xml-parser\/lib\/fxp\.cjs/), 'fast-xml-parser, bundled')
    t.notOk(loads(modules, /node_modules\/fast-xml-parser\/src\//), 'not its ES module build')
  },
)

t.test('a YAML config loads the YAML parser when it is read', async (t) => {
  const dir = t.testdir()
  const config = join(dir, 'mailsetup.yaml')
  writeFileSync(config, stringify(baseConfig()))
  t.ok(loads(await modulesLoadedBy(dir, config), /node_modules\/yaml\//))
})

t.test('every command is listed under its own name', async (t) => {
  for (const entry of COMMANDS) t.equal((await entry.load()).name, entry.name)
})

// Fastify's schema compilers (ajv, fast-json-stringify) are not loaded: no route declares a schema.
t.test('a route with a schema is refused with the reason, not compiled', async (t) => {
  for (const schema of [{ querystring: { type: 'object' } }, { response: { 200: { type: 'string' } } }]) {
    const app = appFor(baseConfig())
    app.get('/with-schema', { schema }, async () => 'never')
    await t.rejects(async () => app.ready(), /schemas are not supported: mailsetup checks requests by hand/)
  }
})
