import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { createLogger } from '../src/logging/logger.js'
import { parseSettings } from '../src/settings/load-settings.js'
import { SettingsError } from '../src/settings/problems.js'
import { digestOf, type ReloadOutcome, SettingsReloader } from '../src/state/reload-settings.js'
import { createSnapshot } from '../src/state/snapshot.js'
import { SnapshotStore } from '../src/state/snapshot-store.js'
import { captureLogs, configWithImap, tempDir } from './helpers/ops.js'

const OLD = configWithImap('imap.old.example')
const NEW = configWithImap('imap.new.example')
// Two problems on known lines: the port (line of `port:`) and an unknown key.
const BROKEN = OLD.replace('port: 993', 'port: 99999').replace('provider:', 'provider:\n  colour: red')

function setUp(options: { prepare?: ConstructorParameters<typeof SettingsReloader>[0]['prepare'] } = {}) {
  const path = join(tempDir(), 'mailsetup.yaml')
  writeFileSync(path, OLD)
  const store = new SnapshotStore(createSnapshot(parseSettings(OLD, path)))
  const logs = captureLogs()
  const outcomes: ReloadOutcome[] = []
  const reloader = new SettingsReloader({
    path,
    store,
    logger: createLogger('info', logs.stream),
    digest: digestOf(OLD),
    onOutcome: (outcome) => outcomes.push(outcome),
    ...options,
  })
  return { path, store, logs, outcomes, reloader }
}

const imapHost = (store: SnapshotStore) =>
  store.current.settings.lookup.get('test.example')?.profile.incoming[0]?.hostname

t.test('a changed file is loaded and swapped in whole', async (t) => {
  const { path, store, logs, outcomes, reloader } = setUp()
  const before = store.current
  t.equal(reloader.reload('file change'), 'unchanged', 'the text it started from is not loaded again')
  t.equal(store.current, before)
  writeFileSync(path, NEW)
  t.equal(reloader.reload('file change'), 'success')
  t.not(store.current, before)
  t.equal(imapHost(store), 'imap.new.example')
  t.equal(reloader.reload('file change'), 'unchanged')
  t.equal(reloader.reload('signal', true), 'success', 'SIGHUP reloads even an unchanged file')
  t.same(outcomes, ['unchanged', 'success', 'unchanged', 'success'])
  const line = logs.lines.find((l) => l.msg === 'config reloaded')
  t.match(line, { reason: 'file change', domains: 1, level: 30 })
})

t.test('a broken config is refused, every problem logged, and the old settings keep serving', async (t) => {
  const { path, store, logs, outcomes, reloader } = setUp()
  const before = store.current
  writeFileSync(path, BROKEN)
  t.equal(reloader.reload('file change'), 'failure')
  t.equal(store.current, before, 'the very same snapshot')
  t.equal(imapHost(store), 'imap.old.example')
  const errors = logs.lines.filter((l) => l.level === 50).map((l) => l.msg)
  t.match(errors, [
    new RegExp(`^${path}:\\d+: provider.colour: unknown key$`),
    new RegExp(`^${path}:\\d+: defaults.incoming\\[0\\].port: .*65535`),
    'config reload refused; the previous settings keep serving',
  ])
  t.match(logs.lines.at(-1), { problems: 2, reason: 'file change' })
  t.equal(reloader.reload('file change'), 'unchanged', 'the same broken text is not tried again')
  t.equal(reloader.reload('signal', true), 'failure', 'but SIGHUP tries again')
  writeFileSync(path, NEW)
  t.equal(reloader.reload('file change'), 'success', 'a fixed file loads')
  t.same(outcomes, ['failure', 'unchanged', 'failure', 'success'])
})

t.test('a missing file is refused like any other problem', async (t) => {
  const { store, logs, reloader } = setUp()
  const missing = new SettingsReloader({
    path: `${store.current.settings.source}.gone`,
    store,
    logger: createLogger('info', logs.stream),
  })
  const before = store.current
  t.equal(missing.reload('signal', true), 'failure')
  t.equal(store.current, before)
  t.match(logs.messages(), [/mailsetup\.yaml\.gone: \(file\): cannot read the file \(ENOENT\)/])
  t.equal(reloader.reload('file change'), 'unchanged')
})

t.test('warnings of the new config are logged', async (t) => {
  const { path, logs, reloader } = setUp()
  writeFileSync(path, OLD.replaceAll('security: starttls', 'security: none'))
  t.equal(reloader.reload('file change'), 'success')
  t.ok(
    logs.lines.some((l) => l.level === 40 && /security/.test(l.msg)),
    logs.messages().join('\n'),
  )
})

t.test('prepare can refuse a reload; its commit runs only after the swap', async (t) => {
  let refuse: Error | undefined = new SettingsError('tls', [{ path: 'service.tls', message: 'no such file' }])
  const committed: string[] = []
  const { path, store, logs, reloader } = setUp({
    prepare: (snapshot) => {
      if (refuse !== undefined) throw refuse
      return () => committed.push(snapshot.settings.lookup.get('test.example')!.profile.incoming[0]!.hostname)
    },
  })
  const before = store.current
  writeFileSync(path, NEW)
  t.equal(reloader.reload('signal', true), 'failure')
  t.equal(store.current, before)
  t.ok(logs.messages().includes('tls: service.tls: no such file'))
  refuse = new Error('unexpected')
  t.equal(reloader.reload('signal', true), 'failure')
  t.match(logs.lines.at(-1), {
    msg: 'config reload failed; the previous settings keep serving',
    err: { message: 'unexpected' },
  })
  t.equal(store.current, before)
  refuse = undefined
  t.equal(reloader.reload('signal', true), 'success')
  t.same(committed, ['imap.new.example'])
  t.equal(imapHost(store), 'imap.new.example')
})

t.test('a failing watch is logged', async (t) => {
  const { logs, reloader } = setUp()
  reloader.watchFailed(new Error('ENOENT'))
  t.match(logs.lines.at(-1), {
    level: 50,
    msg: 'config watch failed; reload with SIGHUP',
    err: { message: 'ENOENT' },
  })
})
