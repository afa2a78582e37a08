import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { type RunningServer, startServer } from '../src/server.js'
import { concernsConfig, watchConfig } from '../src/state/watch-config.js'
import { captureLogs, configWithImap, saveAtomically, sleep, tempDir, waitFor } from './helpers/ops.js'

// Many requests from one address: rate limiting (service.rateLimit) would answer some with 429.
const UNLIMITED = { service: { rateLimit: null } }
const OLD = configWithImap('imap.old.example', UNLIMITED)
const NEW = configWithImap('imap.new.example', UNLIMITED)
const ADDRESS = 'alice@test.example'

async function serve(t: Test, configPath: string) {
  const logs = captureLogs()
  const env = { configPath, host: '127.0.0.1', port: 0, logLevel: 'info', shutdownTimeoutMs: 2000 }
  const server: RunningServer = await startServer(env, { logDestination: logs.stream })
  t.teardown(() => server.close())
  return { server, logs }
}

async function imapHostOf(url: string): Promise<{ status: number; host?: string }> {
  const response = await fetch(`${url}/mail/config-v1.1.xml?emailaddress=${ADDRESS}`)
  const body = await response.text()
  return { status: response.status, host: /<hostname>(imap\.[a-z]+\.example)<\/hostname>/.exec(body)?.[1] }
}

const loadedAt = async (url: string) =>
  ((await (await fetch(`${url}/readyz`)).json()) as { loadedAt: string }).loadedAt

t.test('which changes in the config directory count', async (t) => {
  t.ok(concernsConfig('mailsetup.yaml', 'mailsetup.yaml'))
  t.ok(concernsConfig('..data', 'mailsetup.yaml'), 'Kubernetes ConfigMap swap')
  t.ok(concernsConfig(null, 'mailsetup.yaml'), 'platforms that name no file')
  t.notOk(concernsConfig('other.yaml', 'mailsetup.yaml'))
  t.notOk(concernsConfig('.mailsetup.yaml.swp', 'mailsetup.yaml'))
})

t.test('a burst of changes calls back once, after it settles', async (t) => {
  const dir = tempDir()
  const path = join(dir, 'mailsetup.yaml')
  writeFileSync(path, OLD)
  let calls = 0
  const watcher = watchConfig(path, () => calls++, { debounceMs: 100, onError: t.fail })
  t.teardown(watcher.close)
  for (let i = 0; i < 5; i++) saveAtomically(path, `${OLD}# ${i}\n`)
  writeFileSync(join(dir, 'unrelated.txt'), 'x')
  await waitFor(() => (calls > 0 ? true : undefined))
  await sleep(250)
  t.equal(calls, 1)
})

t.test('no request fails while the settings are reloaded under load', async (t) => {
  const path = join(tempDir(), 'mailsetup.yaml')
  writeFileSync(path, OLD)
  const { server } = await serve(t, path)
  const seen = new Map<string, number>()
  const failures: string[] = []
  let running = true
  const worker = async () => {
    while (running) {
      const { status, host } = await imapHostOf(server.url)
      if (status !== 200 || host === undefined) failures.push(`${status} ${host}`)
      else seen.set(host, (seen.get(host) ?? 0) + 1)
    }
  }
  const workers = Array.from({ length: 16 }, worker)
  for (let round = 0; round < 6; round++) {
    const before = await loadedAt(server.url)
    const text = round % 2 === 0 ? NEW : OLD
    // Alternate the two triggers: an editor-style save (watched) and SIGHUP after a plain write.
    if (round % 2 === 0) saveAtomically(path, text)
    else {
      writeFileSync(path, text)
      process.kill(process.pid, 'SIGHUP')
    }
    await waitFor(async () => ((await loadedAt(server.url)) !== before ? true : undefined))
    const expected = round % 2 === 0 ? 'imap.new.example' : 'imap.old.example'
    t.equal((await imapHostOf(server.url)).host, expected, `round ${round} serves the new settings`)
    await sleep(30)
  }
  running = false
  await Promise.all(workers)
  t.same(failures, [], 'every response was a 200 with one of the two settings')
  t.same([...seen.keys()].sort(), ['imap.new.example', 'imap.old.example'])
  const total = [...seen.values()].reduce((a, b) => a + b, 0)
  t.ok(total > 100, `${total} requests during the reloads`)
})

t.test('a broken reload changes nothing', async (t) => {
  const path = join(tempDir(), 'mailsetup.yaml')
  // Start on a config with a warning: it is logged, and the service serves.
  writeFileSync(path, OLD.replace('security: starttls', 'security: none'))
  const { server, logs } = await serve(t, path)
  t.ok(logs.lines.some((l) => l.level === 40 && l.msg.includes('defaults.incoming[1].security')))
  const before = await loadedAt(server.url)
  saveAtomically(path, OLD.replace('port: 993', 'port: 99999'))
  await waitFor(() =>
    logs.messages().includes('config reload refused; the previous settings keep serving') ? true : undefined,
  )
  process.kill(process.pid, 'SIGHUP')
  await waitFor(() =>
    logs.messages().filter((m) => m.startsWith('config reload refused')).length === 2 ? true : undefined,
  )
  t.ok(
    logs.messages().some((m) => /defaults\.incoming\[0\]\.port/.test(m)),
    'the problem is logged with its path',
  )
  t.equal(await loadedAt(server.url), before, 'still the snapshot loaded at start')
  t.same(await imapHostOf(server.url), { status: 200, host: 'imap.old.example' })
  t.notOk(logs.messages().includes('config reloaded'))
})

t.test('a Kubernetes ConfigMap swap is picked up', async (t) => {
  // The kubelet's layout: versioned directories, `..data` pointing at the current one, and the
  // file a symlink through `..data`. An update writes a new directory and renames a new `..data` over.
  const dir = tempDir()
  for (const [version, text] of [
    ['..v1', OLD],
    ['..v2', NEW],
  ] as const) {
    mkdirSync(join(dir, version))
    writeFileSync(join(dir, version, 'mailsetup.yaml'), text)
  }
  symlinkSync('..v1', join(dir, '..data'))
  symlinkSync('..data/mailsetup.yaml', join(dir, 'mailsetup.yaml'))
  const { server } = await serve(t, join(dir, 'mailsetup.yaml'))
  t.equal((await imapHostOf(server.url)).host, 'imap.old.example')
  symlinkSync('..v2', join(dir, '..data_tmp'))
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'))
  await waitFor(async () => ((await imapHostOf(server.url)).host === 'imap.new.example' ? true : undefined))
  t.pass('the new ConfigMap version serves')
})
