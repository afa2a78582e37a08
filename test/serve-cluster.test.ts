// WORKERS=n: n processes serve one port (node:cluster). Real processes from dist/, as users run them.
import { once } from 'node:events'
import { type AddressInfo, createServer } from 'node:net'
import t from 'tap'
import { readWorkers } from '../src/serve-cluster.js'
import { spawnCli } from './helpers/cli.js'
import { httpRequest } from './helpers/http.js'
import { BUNDLED_CONFIG } from './helpers/settings.js'

// Workers start as separate processes: slower than the default per-file limit allows on a busy machine.
t.setTimeout(180_000)

type Line = { msg: string; [key: string]: unknown }

const lines = (output: string): Line[] =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line)

async function until<T>(what: string, probe: () => T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const env = (workers: string, extra: NodeJS.ProcessEnv = {}) => ({
  WORKERS: workers,
  MAILSETUP_CONFIG: BUNDLED_CONFIG,
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'info',
  ...extra,
})

t.test('WORKERS: unset or 1 is one process, auto one per CPU, anything else a usage error', async (t) => {
  t.equal(readWorkers({}), 1)
  t.equal(readWorkers({ WORKERS: '' }), 1)
  t.equal(readWorkers({ WORKERS: '3' }), 3)
  t.ok(readWorkers({ WORKERS: 'auto' }) >= 1)
  for (const wrong of ['0', '65', '1.5', 'many'])
    t.throws(() => readWorkers({ WORKERS: wrong }), { name: 'UsageError', message: /WORKERS must be/ }, wrong)
})

t.test('two workers share one port, answer, replace a dead worker, reload and stop together', async (t) => {
  const run = spawnCli(['serve'], env('2'))
  t.teardown(() => run.child.kill('SIGKILL'))
  const listening = () => lines(run.output()).filter((l) => l.msg.startsWith('Server listening'))
  // Each process writes its own log lines, in blocks: wait for all three, in whatever order.
  await until('all workers listening', () =>
    listening().length === 2 ? lines(run.output()).find((l) => l.msg === 'all workers listening') : undefined,
  )
  const urls = listening().map((l) => /http:\/\/\S+/.exec(l.msg)?.[0])
  t.equal(urls.length, 2, 'two workers listen')
  t.equal(urls[0], urls[1], 'on the same port')
  const url = urls[0] as string
  for (let i = 0; i < 4; i++) {
    const res = await httpRequest(`${url}/mail/config-v1.1.xml?emailaddress=alice@example.com`)
    t.equal(res.statusCode, 200)
    t.match(res.body, '<incomingServer type="imap">')
  }
  const started = lines(run.output()).filter((l) => l.msg === 'worker started')
  t.equal(started.length, 2)
  process.kill(started[0]?.pid as number, 'SIGKILL')
  await until('a replacement worker', () => (listening().length === 3 ? true : undefined))
  t.ok(lines(run.output()).some((l) => l.msg === 'worker exited' && l.signal === 'SIGKILL'))
  const res = await httpRequest(`${url}/healthz`)
  t.equal(res.statusCode, 200, 'still serving')
  run.child.kill('SIGHUP')
  run.child.kill('SIGTERM')
  const done = await run.done
  t.equal(done.code, 0, 'the primary exits cleanly once the workers have stopped')
  t.ok(lines(done.stdout).some((l) => l.msg === 'stopping workers'))
})

t.test('a worker that cannot listen stops the whole cluster with an error', async (t) => {
  const taken = createServer()
  taken.listen(0, '127.0.0.1')
  await once(taken, 'listening')
  t.teardown(() => taken.close())
  const port = String((taken.address() as AddressInfo).port)
  const clash = spawnCli(['serve'], env('2', { PORT: port }))
  const done = await clash.done
  t.equal(done.code, 1)
  t.ok(lines(done.stdout).some((l) => l.msg === 'worker exited'))
})

t.test('the primary reports config problems once and starts no worker', async (t) => {
  const run = spawnCli(['serve'], env('2', { MAILSETUP_CONFIG: '/nonexistent/mailsetup.yaml' }))
  const done = await run.done
  t.equal(done.code, 1)
  t.match(done.stderr, /cannot read the file/)
  t.notOk(lines(done.stdout).some((l) => l.msg === 'worker started'))
})
