import { once } from 'node:events'
import { connect } from 'node:net'
import t from 'tap'
import { AUTOCONFIG_PATHS } from '../src/routes/autoconfig.js'
import { readServerEnv, startServer } from '../src/server.js'
import { autoconfigViolations } from './helpers/autoconfig-rules.js'
import { httpRequest } from './helpers/http.js'
import { startLocalServer } from './helpers/local-server.js'
import { captureLogs } from './helpers/ops.js'
import { BUNDLED_CONFIG } from './helpers/settings.js'

t.test('environment', async (t) => {
  t.same(readServerEnv({}), {
    configPath: 'config/mailsetup.yaml',
    host: '0.0.0.0',
    port: 8080,
    logLevel: 'info',
    shutdownTimeoutMs: 10_000,
  })
  t.match(
    readServerEnv({
      MAILSETUP_CONFIG: '/etc/mailsetup/mailsetup.yaml',
      HOST: '::',
      PORT: '0',
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '500',
    }),
    {
      configPath: '/etc/mailsetup/mailsetup.yaml',
      host: '::',
      port: 0,
      logLevel: 'warn',
      shutdownTimeoutMs: 500,
    },
  )
  t.throws(() => readServerEnv({ PORT: '70000' }), {
    name: 'UsageError',
    message: 'PORT must be an integer from 0 to 65535',
  })
  t.throws(() => readServerEnv({ PORT: 'eighty' }), { name: 'UsageError' })
  t.throws(() => readServerEnv({ LOG_LEVEL: 'loud' }), { name: 'UsageError' })
})

t.test('the real server answers autoconfig over HTTP on a free port', async (t) => {
  const server = await startLocalServer({ shutdownTimeoutMs: 2000 })
  t.teardown(() => server.close())
  for (const path of AUTOCONFIG_PATHS.slice(0, 3)) {
    const res = await fetch(`${server.url}${path}?emailaddress=alice@example.com`)
    const body = await res.text()
    t.same(
      autoconfigViolations({ statusCode: res.status, headers: Object.fromEntries(res.headers), body }, true),
      [],
      path,
    )
  }
  const byHost = await httpRequest(`${server.url}/mail/config-v1.1.xml`, {
    headers: { host: 'autoconfig.example.com' },
  })
  t.same(autoconfigViolations(byHost, false), [], 'Host header only')
  t.equal((await fetch(`${server.url}/readyz`)).status, 200)
})

t.test('close stops accepting connections', async (t) => {
  const server = await startLocalServer({ shutdownTimeoutMs: 50 })
  t.equal((await fetch(`${server.url}/healthz`)).status, 200)
  await server.close()
  await t.rejects(fetch(`${server.url}/healthz`))
})

t.test('the shutdown deadline cuts connections that never finish their request', async (t) => {
  const server = await startLocalServer({ shutdownTimeoutMs: 50 })
  const { port } = new URL(server.url)
  const socket = connect(Number(port), '127.0.0.1')
  await once(socket, 'connect')
  socket.write('GET /healthz HTTP/1.1\r\nHost: example.com\r\n')
  const closed = once(socket, 'close')
  await server.close()
  await closed
  t.pass('close resolved after the deadline closed the stalled connection')
})

t.test('a broken config refuses to start', async (t) => {
  await t.rejects(startLocalServer({ configPath: '/nonexistent.yaml', shutdownTimeoutMs: 50 }), {
    name: 'SettingsError',
  })
})

t.test('a config with warnings starts and serves', async (t) => {
  const dir = t.testdir({
    'warn.yaml':
      'provider: {id: mail.w.example, name: W, shortName: W}\ndefaults:\n  incoming: [{type: imap, hostname: imap.w.example, port: 1993, security: tls}]\n  outgoing: [{type: smtp, hostname: smtp.w.example, port: 587, security: starttls}]\ndomains: [{name: w.example}]\n',
  })
  const server = await startLocalServer({ configPath: `${dir}/warn.yaml`, shutdownTimeoutMs: 50 })
  t.teardown(() => server.close())
  const res = await httpRequest(`${server.url}/mail/config-v1.1.xml`, {
    headers: { host: 'autoconfig.w.example' },
  })
  t.match(res.body, /<port>1993<\/port>/)
})

t.test('beforeListen runs once, after loading and before the server listens', async (t) => {
  const logs = captureLogs()
  const seen: string[][] = []
  const env = {
    configPath: BUNDLED_CONFIG,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'info',
    shutdownTimeoutMs: 1000,
  }
  const server = await startServer(env, {
    logDestination: logs.stream,
    beforeListen: () => seen.push(logs.messages()),
  })
  t.teardown(() => server.close())
  t.equal(seen.length, 1, 'called once')
  t.notOk(
    seen[0]?.some((message) => message.startsWith('Server listening')),
    'nothing listened yet',
  )
  t.ok(
    logs.messages().some((message) => message.startsWith('Server listening')),
    'then it listened',
  )
  t.equal((await fetch(`${server.url}/readyz`)).status, 200)
})
