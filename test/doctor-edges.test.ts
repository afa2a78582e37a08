// The doctor's edges: unreachable resolvers, names that are the service's own host, HTTPS answers that
// are not what a client needs (status, type, document, size, silence, untrusted certificate), and
// usage mistakes. Every network step ends within its timeout.
import { createSocket } from 'node:dgram'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { stringify } from 'yaml'
import { type DoctorOptions, runDoctor } from '../src/dns/doctor.js'
import { checkServiceHost } from '../src/dns/doctor-https.js'
import { findServiceHost } from '../src/dns/expected-records.js'
import { Lookups } from '../src/dns/lookup.js'
import { autoconfigProbe } from '../src/dns/service-probes.js'
import { createSnapshot } from '../src/state/snapshot.js'
import { runInProcess } from './helpers/cli.js'
import { startDnsServer } from './helpers/dns-server.js'
import { baseConfig, loadConfig } from './helpers/settings.js'
import { makeCertificates } from './helpers/tls-fixture.js'

t.setTimeout(120_000)

const config = baseConfig({ service: { publicUrl: 'https://autoconfig.self.test' } })
config.defaults = {
  ...(config.defaults as object),
  incoming: [
    { type: 'imap', hostname: 'imap.test.example', port: 993, security: 'tls' },
    { type: 'imap', hostname: 'imap.test.example', port: 143, security: 'starttls' },
    { type: 'imap', hostname: 'imap2.test.example', port: 993, security: 'tls' },
  ],
  dav: { carddavUrl: 'https://dav.test.example/card/' },
}
config.domains = [{ name: 'self.test' }, { name: 'other.test' }]
const loaded = loadConfig(config)
const { settings } = loaded
const snapshot = createSnapshot(loaded)
const profile = settings.lookup.get('self.test')!.profile

/** A UDP port with nothing behind it: queries are refused or time out. */
async function deadPort(): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address() as AddressInfo
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

function options(resolver: string, extra: Partial<DoctorOptions> = {}): DoctorOptions {
  return { service: findServiceHost(settings)!, resolver, timeoutMs: 300, ttl: 3600, ...extra }
}

t.test('an unreachable resolver fails every check quickly, nothing hangs', async (t) => {
  const report = await runDoctor(snapshot, 'self.test', options(`127.0.0.1:${await deadPort()}`))
  t.ok(report.checks.length > 10)
  for (const c of report.checks.filter((c) => c.check !== 'MX self.test' && !c.check.startsWith('HTTPS')))
    t.match(c, { status: 'fail', detail: /^lookup failed \((ECONNREFUSED|ETIMEOUT)\)$/ }, c.check)
  t.match(
    report.checks.find((c) => c.check === 'MX self.test'),
    { status: 'warn', detail: /lookup failed/ },
  )
  t.match(
    report.checks.find((c) => c.check === 'HTTPS autoconfig.self.test'),
    {
      status: 'fail',
      detail: 'no address for this name',
    },
  )
})

t.test("the service's own host needs addresses; HTTPS goes to the address DNS gives", async (t) => {
  const dns = await startDnsServer([
    { name: 'autoconfig.self.test', type: 'A', data: '127.0.0.1' },
    { name: 'autoconfig.other.test', type: 'CNAME', data: 'autoconfig.self.test' },
  ])
  t.teardown(dns.close)
  const self = await runDoctor(snapshot, 'self.test', options(dns.address))
  t.match(
    self.checks.find((c) => c.check === 'A/AAAA autoconfig.self.test'),
    {
      status: 'pass',
      detail: '127.0.0.1',
    },
  )
  // Nothing listens on 127.0.0.1:443 in the test: refused (or, if something does, not our certificate).
  t.match(
    self.checks.find((c) => c.check === 'HTTPS autoconfig.self.test'),
    { status: 'fail' },
  )
  const other = await runDoctor(snapshot, 'other.test', options(dns.address))
  t.match(
    other.checks.find((c) => c.check === 'CNAME autoconfig.other.test'),
    { status: 'pass' },
  )
  const none = await runDoctor(snapshot, 'self.test', options(dns.address))
  t.ok(none.checks.some((c) => c.status === 'fail'))
  const missing = await startDnsServer([])
  t.teardown(missing.close)
  const empty = await runDoctor(snapshot, 'self.test', options(missing.address))
  t.match(
    empty.checks.find((c) => c.check === 'A/AAAA autoconfig.self.test'),
    {
      status: 'fail',
      detail: 'missing',
      fix: "publish the A and AAAA records of the service's host autoconfig.self.test",
    },
  )
})

const DOCUMENT = (servers: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<clientConfig version="1.1"><emailProvider id="x.test">${servers}</emailProvider></clientConfig>`
const SERVER = (tag: string, type: string, host: string, port: number, socketType: string) =>
  `<${tag} type="${type}"><hostname>${host}</hostname><port>${port}</port><socketType>${socketType}</socketType></${tag}>`

t.test('HTTPS answers a client cannot use', async (t) => {
  const names = ['status', 'html', 'other', 'doctype', 'order', 'slow', 'big', 'empty', 'rules'].map(
    (n) => `autoconfig.${n}.test`,
  )
  const certs = makeCertificates(t.testdir(), names)
  const imap = SERVER('incomingServer', 'imap', 'imap.test.example', 993, 'SSL')
  const imap2 = SERVER('incomingServer', 'imap', 'imap2.test.example', 993, 'SSL')
  const imap143 = SERVER('incomingServer', 'imap', 'imap.test.example', 143, 'STARTTLS')
  const smtp = SERVER('outgoingServer', 'smtp', 'smtp.test.example', 465, 'SSL')
  const smtp587 = SERVER('outgoingServer', 'smtp', 'smtp.test.example', 587, 'STARTTLS')
  const server = createServer({ key: certs.key, cert: certs.cert }, (req, res) => {
    const host = req.headers.host
    const xml = { 'content-type': 'application/xml' }
    if (host === 'autoconfig.status.test') res.writeHead(404).end('not found')
    else if (host === 'autoconfig.html.test')
      res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hi</p>')
    else if (host === 'autoconfig.other.test') res.writeHead(200, xml).end('<other/>')
    else if (host === 'autoconfig.doctype.test') res.writeHead(200, xml).end('<!DOCTYPE x><clientConfig/>')
    else if (host === 'autoconfig.order.test')
      res.writeHead(200, xml).end(DOCUMENT(imap143 + imap + imap2 + smtp + smtp587))
    else if (host === 'autoconfig.rules.test')
      res.writeHead(200, xml).end(DOCUMENT(imap + imap143 + imap2 + smtp + smtp587))
    else if (host === 'autoconfig.empty.test') res.writeHead(200, xml).end(DOCUMENT(''))
    else if (host === 'autoconfig.big.test') res.writeHead(200, xml).end('x'.repeat(300 * 1024))
    // autoconfig.slow.test: accepted, never answered.
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    server.close()
  })
  const connect = { address: '127.0.0.1', port: (server.address() as AddressInfo).port }
  const ca = await import('node:fs').then((fs) => fs.readFileSync(certs.caFile, 'utf8'))
  const check = (name: string, extra = {}) =>
    checkServiceHost(`autoconfig.${name}.test`, autoconfigProbe(profile, `${name}.test`), {
      lookups: new Lookups({ timeoutMs: 300 }),
      connect,
      ca,
      timeoutMs: 1000,
      ...extra,
    })
  t.match(await check('status'), { status: 'fail', detail: 'GET /mail/config-v1.1.xml answered 404' })
  for (const name of ['html', 'other', 'doctype'])
    t.match(
      await check(name),
      { status: 'fail', detail: 'GET /mail/config-v1.1.xml did not answer the expected XML document' },
      name,
    )
  t.match(await check('order'), {
    status: 'fail',
    detail: 'the answer differs from the settings: different order',
  })
  t.match(await check('empty'), {
    status: 'fail',
    detail: /^the answer differs from the settings: missing imap imap\.test\.example:993 SSL, /,
  })
  t.match(await check('rules'), {
    status: 'fail',
    detail: /^Thunderbird for Android would refuse it: .*username/,
  })
  t.match(await check('big'), { status: 'fail', detail: /answer too large/ })
  const started = Date.now()
  t.match(await check('slow'), { status: 'fail', detail: /no answer within 1000 ms/ })
  t.ok(Date.now() - started < 5000, 'the timeout holds')
  t.match(await check('status', { ca: undefined }), {
    status: 'fail',
    detail: /^the certificate is not trusted \(/,
    fix: /install a certificate valid for autoconfig\.status\.test/,
  })
  t.match(await check('status', { connect: { address: '127.0.0.1', port: await deadPort() } }), {
    status: 'fail',
    detail: /ECONNREFUSED/,
    fix: /make autoconfig\.status\.test answer HTTPS on port \d+/,
  })
})

t.test('doctor usage mistakes and config problems: one line, the right exit code', async (t) => {
  const dir = t.testdir({ 'nopublic.yaml': stringify(baseConfig()), 'self.yaml': stringify(config) })
  const cases: [string[], number, RegExp][] = [
    [['doctor'], 2, /give one domain/],
    [['doctor', 'bad name'], 2, /"bad name" is not a valid domain name/],
    [['doctor', 'self.test', '--resolver', 'dns.google'], 2, /--resolver takes an IP address/],
    [['doctor', 'self.test', '--connect', '127.0.0.1:99999'], 2, /--connect takes an IP address/],
    [['doctor', 'self.test', '--ca', `${dir}/none.pem`], 2, /--ca: cannot read .*none\.pem \(ENOENT\)/],
    [['doctor', 'self.test', '--timeout', 'soon'], 2, /--timeout must be an integer/],
    [['doctor', 'self.test', '--config', `${dir}/missing.yaml`], 1, /cannot read the file/],
    [
      ['doctor', 'nothosted.test', '--config', `${dir}/self.yaml`],
      1,
      /nothosted\.test is not a hosted domain/,
    ],
    [['doctor', 'test.example', '--config', `${dir}/nopublic.yaml`], 1, /set service\.publicUrl/],
  ]
  for (const [args, code, message] of cases) {
    const result = await runInProcess(args, {})
    t.equal(result.code, code, args.join(' '))
    t.match(result.stderr, message)
  }
  const help = await runInProcess(['doctor', '--help'])
  t.match(help.stdout, /--connect IP\[:port\]/)
})
