import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createTcpServer } from 'node:net'
import { promisify } from 'node:util'
import t from 'tap'
import { CLIENT_FAMILIES } from '../src/check/client-families.js'
import { formatReports } from '../src/check/format-report.js'
import type { FamilyReport } from '../src/check/types.js'
import { runInProcess as inProcess, spawnCli } from './helpers/cli.js'
import { startLocalServer } from './helpers/local-server.js'
import { BUNDLED_CONFIG } from './helpers/settings.js'

// Four real processes, each loading tap's TypeScript loader: allow for a busy 2-core machine.
t.setTimeout(120_000)

async function spawned(argv: string[]) {
  return spawnCli(argv).done
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  )
}

const reportsOf = (stdout: string) => (JSON.parse(stdout) as { reports: FamilyReport[] }).reports

t.test(
  'real processes: a passing check, a usage mistake, a broken config, a running deployment',
  async (t) => {
    const server = await startLocalServer()
    t.teardown(() => server.close())
    const dir = t.testdir({
      'broken.yaml': 'provider: {id: "not a host", name: B, shortName: B}\ndomains: [{name: b.example}]\n',
    })
    const [ok, usage, broken, remote] = await Promise.all([
      spawned(['check', 'alice@example.com', '--config', BUNDLED_CONFIG]),
      spawned(['check', 'alice@example.com', '--frobnicate']),
      spawned(['check', 'alice@example.com', '--config', `${dir}/broken.yaml`]),
      spawned(['check', 'alice@example.com', '--url', server.url, '--json']),
    ])
    t.equal(ok.code, 0, ok.stderr)
    t.match(ok.stdout, /^Checking alice@example\.com against .*mailsetup\.yaml \(in-process\)/)
    t.match(
      ok.stdout,
      /Thunderbird: PASS\n {2}GET https:\/\/autoconfig\.example\.com\/mail\/config-v1\.1\.xml\?emailaddress=alice%40example\.com → 200 application\/xml/,
    )
    t.match(ok.stdout, /incoming IMAP +imap\.example\.com {2}993 {2}SSL\/TLS {2}username alice@example\.com/)
    t.match(ok.stdout, /Thunderbird for Android: PASS\n.*\n.*username %EMAILADDRESS%/)
    t.match(ok.stdout, new RegExp(`${CLIENT_FAMILIES.length} clients: \\d+ pass, 0 fail`))
    t.equal(usage.code, 2)
    t.match(usage.stderr, /^mailsetup check: Unknown option '--frobnicate'.*see mailsetup check --help\n$/)
    t.equal(usage.stdout, '')
    t.equal(broken.code, 1)
    t.match(broken.stderr, /error: .*broken\.yaml:1: provider\.id: /)
    t.match(broken.stderr, /problems? in the configuration/)
    for (const r of [usage, broken]) t.notMatch(r.stderr, /\n\s+at /, 'no stack trace')
    t.equal(remote.code, 0, remote.stderr)
    const local = await inProcess(['check', 'alice@example.com', '--config', BUNDLED_CONFIG, '--json'])
    t.same(
      reportsOf(remote.stdout),
      reportsOf(local.stdout),
      'a deployment answers exactly what the config renders',
    )
    t.equal(JSON.parse(remote.stdout).source, `${server.url}/`)
  },
)

t.test('in-process reports', async (t) => {
  const json = await inProcess(['check', 'alice@example.org', '--json'], { MAILSETUP_CONFIG: BUNDLED_CONFIG })
  t.equal(json.code, 0)
  const parsed = JSON.parse(json.stdout)
  t.equal(parsed.address, 'alice@example.org')
  t.same(
    parsed.reports.map((r: FamilyReport) => r.client),
    CLIENT_FAMILIES.map((f) => f.name),
  )
  const tb = parsed.reports[0] as FamilyReport
  t.equal(tb.url, 'https://autoconfig.example.org/mail/config-v1.1.xml?emailaddress=alice%40example.org')
  t.equal(tb.status, 200)
  t.same(tb.servers[0], {
    role: 'incoming IMAP',
    server: 'imap.example.com',
    port: 993,
    security: 'SSL/TLS',
    username: 'alice@example.org',
  })
  const byClient = new Map((parsed.reports as FamilyReport[]).map((r) => [r.client, r]))
  const outlook = byClient.get('Outlook')
  t.equal(outlook?.verdict, 'pass', String(outlook?.problems))
  t.same(
    outlook?.servers.find((s) => s.role === 'incoming IMAP'),
    {
      role: 'incoming IMAP',
      server: 'imap.example.com',
      port: 993,
      security: 'SSL/TLS',
      username: 'alice@example.org',
    },
  )
  t.equal(
    byClient.get('Outlook (new, JSON v2)')?.servers[0]?.server,
    'https://autodiscover.example.com/autodiscover/autodiscover.xml',
  )
  t.same(byClient.get('ActiveSync device')?.servers, [
    {
      role: 'ActiveSync',
      server: 'https://outlook.example.com/Microsoft-Server-ActiveSync',
      username: 'alice@example.org',
    },
  ])
  const net = await inProcess(['check', 'bob@example.net', '--config', BUNDLED_CONFIG, '--json'])
  const netActiveSync = reportsOf(net.stdout).find((r) => r.client === 'ActiveSync device')
  t.same(
    [netActiveSync?.verdict, netActiveSync?.notes],
    ['unavailable', ['no ActiveSync for example.net (error 601)']],
  )
  const unknown = await inProcess(['check', 'zoe@not-hosted.example', '--config', BUNDLED_CONFIG])
  t.equal(unknown.code, 1)
  t.match(
    unknown.stdout,
    /Thunderbird: FAIL\n.*→ 404 text\/plain.*\n {2}✗ status 404, not 200 \(Thunderbird\): this domain is not hosted here/,
  )
  t.match(unknown.stdout, /0 pass, \d+ fail/)
})

t.test('usage mistakes exit 2 with one line', async (t) => {
  const cases: [string[], RegExp][] = [
    [['check'], /give exactly one email address/],
    [['check', 'a@example.com', 'b@example.com'], /give exactly one email address/],
    [['check', 'not-an-address'], /"not-an-address": the email address must look like name@domain/],
    [['check', 'a@example.com', '--url', 'ftp://x.example'], /--url "ftp:\/\/x\.example" is not an http/],
    [['check', 'a@example.com', '--url', 'nonsense'], /--url "nonsense" is not an http/],
    [['check', 'a@example.com', '--url', 'http://x.example', '--config', 'c.yaml'], /exclude each other/],
    [['check', 'a@example.com', '--timeout', '0'], /--timeout must be/],
    [['check', 'a@example.com', '--timeout', 'soon'], /--timeout must be/],
    [['check', 'a@example.com', '--json=yes'], /--json/],
  ]
  for (const [argv, message] of cases) {
    const result = await inProcess(argv)
    t.equal(result.code, 2, argv.join(' '))
    t.match(result.stderr, message)
    t.equal(result.stderr.split('\n').length, 2, 'one line')
  }
  const help = await inProcess(['check', '--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /Usage: mailsetup check <address> \[--config FILE\] \[--json\]/)
  t.match(help.stdout, /Thunderbird, Thunderbird for Android/)
  const overview = await inProcess(['--help'])
  t.match(overview.stdout, /check +show what each mail client would get/)
  const missing = await inProcess(['check', 'a@example.com', '--config', '/nonexistent/m.yaml'])
  t.equal(missing.code, 1)
  t.match(missing.stderr, /cannot read the file \(ENOENT\)/)
})

t.test('--url: no answer, a slow answer, a huge answer, an untrusted certificate', async (t) => {
  const closed = createTcpServer()
  const closedPort = await listen(closed as unknown as Server)
  await new Promise((r) => closed.close(r))
  const refused = await inProcess(['check', 'a@example.com', '--url', `http://127.0.0.1:${closedPort}`])
  t.equal(refused.code, 1)
  t.match(refused.stdout, /→ no answer\n {2}✗ no answer: connect ECONNREFUSED/)

  const silent = createTcpServer((socket) => socket.on('error', () => {}))
  const silentPort = await listen(silent as unknown as Server)
  t.teardown(() => silent.close())
  const slow = await inProcess([
    'check',
    'a@example.com',
    '--url',
    `http://127.0.0.1:${silentPort}/`,
    '--timeout',
    '200',
  ])
  t.equal(slow.code, 1)
  t.match(slow.stdout, /no answer within 200 ms/)

  const big = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/xml' })
    res.end(Buffer.alloc(1024 * 1024 + 10, 'a'))
  })
  const bigPort = await listen(big)
  t.teardown(() => big.close())
  const huge = await inProcess(['check', 'a@example.com', '--url', `http://127.0.0.1:${bigPort}/base/`])
  t.equal(huge.code, 1)
  t.match(huge.stdout, /answer larger than 1048576 bytes/)

  const dir = t.testdir({})
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-keyout',
    `${dir}/key.pem`,
    '-out',
    `${dir}/cert.pem`,
  ])
  const tls = createHttpsServer(
    { key: readFileSync(`${dir}/key.pem`), cert: readFileSync(`${dir}/cert.pem`) },
    (_q, r) => r.end(),
  )
  const tlsPort = await listen(tls)
  t.teardown(() => tls.close())
  for (const host of ['localhost', '127.0.0.1']) {
    const untrusted = await inProcess(['check', 'a@example.com', '--url', `https://${host}:${tlsPort}`])
    t.equal(untrusted.code, 1)
    t.match(untrusted.stdout, /no answer: self[- ]signed certificate/i, host)
  }
})

t.test('paths a deployment does not serve are reported as not available', async (t) => {
  const old = createHttpServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' })
    res.end('not found\n')
  })
  const port = await listen(old)
  t.teardown(() => old.close())
  const result = await inProcess(['check', 'a@example.com', '--url', `http://127.0.0.1:${port}`])
  t.equal(result.code, 0, 'not offered is not a failure')
  t.match(
    result.stdout,
    /Thunderbird: NOT AVAILABLE\n.*→ 404 text\/plain\n {2}· this server does not answer this request/,
  )
  t.match(result.stdout, /0 pass, 0 fail, \d+ not available/)
  const failing = createHttpServer((_req, res) => {
    res.writeHead(500)
    res.end()
  })
  const failingPort = await listen(failing)
  t.teardown(() => failing.close())
  const broken = await inProcess([
    'check',
    'a@example.com',
    '--url',
    `http://127.0.0.1:${failingPort}`,
    '--json',
  ])
  t.equal(broken.code, 1)
  const report = reportsOf(broken.stdout)[0]
  t.equal(report?.status, 500)
  t.equal(report?.contentType, undefined, 'no Content-Type is reported as none')
  t.match(report?.problems, [/status 500, not 200/])
})

t.test('the readable report lists URLs and servers without a port or username', async (t) => {
  const text = formatReports(
    [
      {
        client: 'Outlook',
        method: 'POST',
        url: 'https://autodiscover.example.com/autodiscover/autodiscover.xml',
        status: 200,
        verdict: 'pass',
        servers: [{ role: 'Exchange EXCH', server: 'outlook.example.com' }],
        problems: [],
        notes: ['a note'],
      },
    ],
    'Heading',
  )
  t.equal(
    text,
    'Heading\n\nOutlook: PASS\n  POST https://autodiscover.example.com/autodiscover/autodiscover.xml → 200\n  Exchange EXCH     outlook.example.com\n  · a note\n\n1 client: 1 pass, 0 fail, 0 not available\n',
  )
})

t.test('the default config is config/mailsetup.yaml', async (t) => {
  const result = await inProcess(['check', 'alice@example.com'])
  t.equal(result.code, 0)
  t.match(result.stdout, /against config\/mailsetup\.yaml \(in-process\)/)
})
