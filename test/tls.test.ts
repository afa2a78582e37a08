import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { join } from 'node:path'
import { connect, type PeerCertificate } from 'node:tls'
import t from 'tap'
import { stringify } from 'yaml'
import { certificateNames, loadTlsContexts, selectContext } from '../src/http/tls-contexts.js'
import { startServer } from '../src/server.js'
import { SettingsError } from '../src/settings/problems.js'
import { makeCertificate } from './helpers/certificates.js'
import { captureLogs, tempDir, waitFor } from './helpers/ops.js'
import { baseConfig, loadConfig } from './helpers/settings.js'

const dir = tempDir('mailsetup-tls-')
const main = makeCertificate(dir, 'main', {
  dnsNames: ['test.example', 'autoconfig.test.example', 'autodiscover.test.example'],
})
const customer = makeCertificate(dir, 'customer', { dnsNames: ['customer.example', '*.customer.example'] })
const legacy = makeCertificate(dir, 'legacy', { subject: '/CN=Legacy.Example' })
const nameless = makeCertificate(dir, 'nameless', { subject: '/O=Nobody' })

const domains = [{ name: 'test.example' }, { name: 'customer.example' }]
const tlsConfig = (certificates: object[], extra: object = {}) =>
  baseConfig({ service: { tls: { certificates }, ...extra }, domains })

function problemsOf(fn: () => unknown) {
  try {
    fn()
  } catch (error) {
    if (error instanceof SettingsError) return error.problems
    throw error
  }
  throw new Error('expected a SettingsError')
}

t.test('a certificate covers its subjectAltName DNS names, else its common name', async (t) => {
  t.same(certificateNames(readFileSync(customer.cert)), ['customer.example', '*.customer.example'])
  t.same(certificateNames(readFileSync(legacy.cert)), ['legacy.example'])
  t.same(certificateNames(readFileSync(nameless.cert)), [])
})

t.test('contexts are chosen by exact name, then wildcard, then the first certificate', async (t) => {
  const contexts = loadTlsContexts({ certificates: [main, customer, legacy, nameless] }, { source: 'x.yaml' })
  const byName = new Map([...contexts.exact].map(([name, context]) => [context, name]))
  const ofMain = contexts.exact.get('test.example')
  t.equal(selectContext(contexts, 'autoconfig.test.example'), ofMain)
  t.equal(selectContext(contexts, 'AUTOCONFIG.Test.Example'), ofMain, 'server names are case-insensitive')
  t.equal(selectContext(contexts, 'autoconfig.customer.example'), contexts.wildcard.get('customer.example'))
  t.equal(selectContext(contexts, 'customer.example'), contexts.exact.get('customer.example'))
  t.equal(selectContext(contexts, 'legacy.example'), contexts.exact.get('legacy.example'))
  t.equal(selectContext(contexts, 'unknown.example'), ofMain, 'unknown names get the first certificate')
  t.equal(selectContext(contexts, 'localhost'), ofMain)
  t.equal(contexts.fallbackContext, ofMain)
  t.equal(byName.size, 3)
})

t.test('relative paths are read from the config file directory', async (t) => {
  const certificates = [{ cert: 'main.crt', key: 'main.key' }]
  const contexts = loadTlsContexts({ certificates }, { source: join(dir, 'mailsetup.yaml') })
  t.ok(contexts.exact.has('test.example'))
})

t.test('every unusable certificate is reported with its path', async (t) => {
  const problems = problemsOf(() =>
    loadTlsContexts(
      {
        certificates: [
          main,
          { cert: join(dir, 'missing.crt'), key: join(dir, 'missing.key') },
          { cert: main.cert, key: customer.key },
          { cert: main.key, key: main.key },
        ],
      },
      { source: 'x.yaml' },
    ),
  )
  t.match(problems, [
    { path: 'service.tls.certificates[1].cert', message: /cannot read .*missing\.crt \(ENOENT\)/ },
    { path: 'service.tls.certificates[1].key', message: /cannot read .*missing\.key \(ENOENT\)/ },
    { path: 'service.tls.certificates[2]', message: /^unusable certificate or key: / },
    { path: 'service.tls.certificates[3]', message: /^unusable certificate or key: / },
  ])
  t.equal(problems.length, 4)
})

t.test('service.tls and service.trustProxy in the config', async (t) => {
  const { settings } = loadConfig(tlsConfig([main], { trustProxy: '10.0.0.0/8, loopback ,::1' }))
  t.same(settings.service.tls, { certificates: [main] })
  t.same(settings.service.trustProxy, ['10.0.0.0/8', 'loopback', '::1'])
  t.equal(loadConfig(baseConfig({ service: { trustProxy: true } })).settings.service.trustProxy, true)
  t.same(
    loadConfig(baseConfig({ service: { trustProxy: ['192.168.0.0/255.255.0.0', 'fd00::/8'] } })).settings
      .service.trustProxy,
    ['192.168.0.0/255.255.0.0', 'fd00::/8'],
  )
  t.match(
    problemsOf(() =>
      loadConfig(
        baseConfig({
          service: {
            trustProxy: ['10.0.0.1', 'proxy.local', '10.0.0.0/33', '::1/129', '::1/ffff::', '1.2.3.4/8/9'],
          },
        }),
      ),
    ),
    [
      {
        path: 'service.trustProxy[1]',
        message: '"proxy.local" is not an IP address, CIDR range, loopback, linklocal or uniquelocal',
      },
      { path: 'service.trustProxy[2]' },
      { path: 'service.trustProxy[3]' },
      { path: 'service.trustProxy[4]' },
      { path: 'service.trustProxy[5]' },
    ],
  )
  t.match(
    problemsOf(() => loadConfig(baseConfig({ service: { trustProxy: 'loopback,nope' } }))),
    [{ path: 'service.trustProxy', message: /"nope"/ }],
  )
  t.match(
    problemsOf(() => loadConfig(baseConfig({ service: { trustProxy: 2 } }))),
    [{ path: 'service.trustProxy' }],
  )
  t.match(
    problemsOf(() => loadConfig(baseConfig({ service: { tls: { certificates: [] } } }))),
    [{ path: 'service.tls.certificates' }],
  )
})

interface Handshake {
  readonly names: string
  readonly fingerprint: string
}

function handshake(port: number, servername?: string): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      rejectUnauthorized: false,
      ...(servername ? { servername } : {}),
    })
    socket.once('secureConnect', () => {
      const peer: PeerCertificate = socket.getPeerCertificate()
      socket.end()
      resolve({ names: peer.subjectaltname ?? '', fingerprint: peer.fingerprint256 })
    })
    socket.once('error', reject)
  })
}

function httpsGet(
  port: number,
  path: string,
  servername: string,
  ca: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, servername, ca, headers: { host: servername } },
      (res) => {
        let body = ''
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.once('error', reject)
    req.end()
  })
}

t.test('built-in HTTPS serves each domain its certificate and reloads them', async (t) => {
  const configDir = tempDir('mailsetup-tls-config-')
  for (const name of ['main', 'customer']) {
    copyFileSync(join(dir, `${name}.crt`), join(configDir, `${name}.crt`))
    copyFileSync(join(dir, `${name}.key`), join(configDir, `${name}.key`))
  }
  const files = [
    { cert: 'main.crt', key: 'main.key' },
    { cert: 'customer.crt', key: 'customer.key' },
  ]
  const path = join(configDir, 'mailsetup.yaml')
  writeFileSync(path, stringify(tlsConfig(files, { trustProxy: ['loopback'] })))
  const logs = captureLogs()
  const env = { configPath: path, host: '127.0.0.1', port: 0, logLevel: 'info', shutdownTimeoutMs: 1000 }
  const server = await startServer(env, { logDestination: logs.stream })
  t.teardown(server.close)
  t.match(server.url, /^https:\/\//)
  const port = Number(new URL(server.url).port)
  t.match(await handshake(port, 'autoconfig.test.example'), { names: /DNS:autoconfig\.test\.example/ })
  const before = await handshake(port, 'autoconfig.customer.example')
  t.match(before, { names: 'DNS:customer.example, DNS:*.customer.example' })
  t.match(await handshake(port), { names: /DNS:test\.example/ }, 'no server name: the first certificate')
  const answer = await httpsGet(
    port,
    '/mail/config-v1.1.xml',
    'autoconfig.test.example',
    readFileSync(main.cert, 'utf8'),
  )
  t.equal(answer.status, 200, 'a client that checks the certificate gets its answer')
  t.match(answer.body, /<domain>test\.example<\/domain>/)

  // Renewed certificate for the customer, picked up by SIGHUP although the config is unchanged.
  const renewed = makeCertificate(configDir, 'customer', {
    dnsNames: ['customer.example', '*.customer.example'],
  })
  t.equal(renewed.cert, join(configDir, 'customer.crt'))
  process.kill(process.pid, 'SIGHUP')
  const after = await waitFor(async () => {
    const now = await handshake(port, 'autoconfig.customer.example')
    return now.fingerprint !== before.fingerprint ? now : undefined
  })
  t.match(after, { names: 'DNS:customer.example, DNS:*.customer.example' })

  // A broken certificate refuses the whole reload; the certificates in use stay.
  writeFileSync(join(configDir, 'customer.key'), 'not a key')
  process.kill(process.pid, 'SIGHUP')
  await waitFor(() => (logs.messages().some((m) => m.startsWith('config reload refused')) ? true : undefined))
  t.ok(logs.messages().some((m) => m.includes('service.tls.certificates[1]: unusable certificate or key')))
  t.equal((await handshake(port, 'autoconfig.customer.example')).fingerprint, after.fingerprint)

  // Switching HTTPS off or changing trustProxy takes a restart: said in the log, nothing else changes.
  writeFileSync(path, stringify(baseConfig({ domains, service: { trustProxy: true } })))
  process.kill(process.pid, 'SIGHUP')
  await waitFor(() => (logs.messages().some((m) => m.startsWith('service.trustProxy')) ? true : undefined))
  t.ok(
    logs
      .messages()
      .some((m) => m.startsWith('service.tls: switching built-in HTTPS on or off takes a restart')),
  )
  t.match(await handshake(port, 'autoconfig.test.example'), { names: /DNS:autoconfig\.test\.example/ })
})

t.test('a certificate that cannot be used stops the start', async (t) => {
  const path = join(tempDir(), 'mailsetup.yaml')
  writeFileSync(path, stringify(tlsConfig([{ cert: 'nope.crt', key: 'nope.key' }])))
  const env = { configPath: path, host: '127.0.0.1', port: 0, logLevel: 'silent', shutdownTimeoutMs: 1000 }
  await t.rejects(startServer(env), SettingsError)
})
