// `mailsetup doctor` against a real DNS server on 127.0.0.1 (wire protocol, fixture zones: one correct,
// one per kind of mistake) and the real mailsetup service behind TLS with a test certificate.
import t from 'tap'
import { stringify } from 'yaml'
import { runInProcess } from './helpers/cli.js'
import { startDnsServer } from './helpers/dns-server.js'
import { configFor, SERVICE, ZONES } from './helpers/doctor-zones.js'
import { startLocalServer } from './helpers/local-server.js'
import { spawnCli } from './helpers/spawn-cli.js'
import { makeCertificates, startTlsFront } from './helpers/tls-fixture.js'

t.setTimeout(180_000)

const dir = t.testdir({
  'doctor.yaml': stringify(configFor('imap.provider.test')),
  'service.yaml': stringify(configFor('old-imap.provider.test')),
})
const certified = ['good', 'alias', 'missing', 'wrongtarget', 'wrongport', 'nomx', 'arecord', 'stale']
const certs = makeCertificates(
  dir,
  certified.flatMap((d) => [`autoconfig.${d}.test`, `autodiscover.${d}.test`]),
)
const dns = await startDnsServer(ZONES)
const service = await startLocalServer({ configPath: `${dir}/service.yaml` })
const front = await startTlsFront(certs, Number(new URL(service.url).port))
t.teardown(async () => {
  await front.close()
  await service.close()
  await dns.close()
})

const common = [
  '--config',
  `${dir}/doctor.yaml`,
  '--resolver',
  dns.address,
  '--connect',
  `127.0.0.1:${front.port}`,
  '--ca',
  certs.caFile,
  '--timeout',
  '3000',
]

async function doctorJson(domain: string) {
  const result = await runInProcess(['doctor', domain, '--json', ...common])
  const report = JSON.parse(result.stdout) as {
    ok: boolean
    checks: { status: string; check: string; detail: string; fix?: string }[]
  }
  const find = (check: string) => report.checks.filter((c) => c.check === check)
  return { code: result.code, report, find }
}

t.test('a correct domain passes every check, aliases too', async (t) => {
  for (const domain of ['good.test', 'alias.test']) {
    const { code, report, find } = await doctorJson(domain)
    t.equal(code, 0, domain)
    t.equal(report.ok, true)
    t.same(
      report.checks.filter((c) => c.status !== 'pass'),
      [],
      'nothing failed or warned',
    )
    t.equal(report.checks.length, 14, '11 records, 2 HTTPS names, MX')
    t.equal(
      find(`HTTPS autoconfig.${domain}`)[0]?.detail,
      'the answer matches the settings (imap imap.provider.test:993 SSL; imap imap.provider.test:143 STARTTLS; smtp smtp.provider.test:465 SSL; smtp smtp.provider.test:587 STARTTLS); Thunderbird for Android accepts it',
    )
    t.equal(
      find(`HTTPS autodiscover.${domain}`)[0]?.detail,
      'the answer matches the settings (action settings; IMAP imap.provider.test:993 SSL; IMAP imap.provider.test:143 TLS; SMTP smtp.provider.test:465 SSL; SMTP smtp.provider.test:587 TLS; CalDAV https://dav.provider.test/cal/); Outlook accepts it',
    )
    t.match(find(`SRV _imaps._tcp.${domain} (imap.provider.test:993)`)[0], { status: 'pass' })
    t.match(find(`SRV _pop3._tcp.${domain} (not offered)`)[0], { status: 'pass' })
    t.match(find(`MX ${domain}`)[0], { status: 'pass', detail: '10 mx.provider.test' })
  }
})

t.test('missing records fail with the exact line to publish', async (t) => {
  const { code, find } = await doctorJson('missing.test')
  t.equal(code, 1)
  t.same(find('SRV _imaps._tcp.missing.test (imap.provider.test:993)')[0], {
    status: 'fail',
    check: 'SRV _imaps._tcp.missing.test (imap.provider.test:993)',
    detail: 'missing',
    fix: 'publish: _imaps._tcp.missing.test. 3600 IN SRV   0 0 993 imap.provider.test.',
  })
  t.same(find('CNAME autoconfig.missing.test')[0], {
    status: 'fail',
    check: 'CNAME autoconfig.missing.test',
    detail: 'missing',
    fix: `publish: autoconfig.missing.test. 3600 IN CNAME ${SERVICE}.`,
  })
})

t.test('wrong targets fail; a different priority warns', async (t) => {
  const { code, find } = await doctorJson('wrongtarget.test')
  t.equal(code, 1)
  t.match(find('SRV _submission._tcp.wrongtarget.test (smtp.provider.test:587)')[0], {
    status: 'fail',
    detail: 'wrong target: 1 587 mail.other.test',
    fix: 'publish: _submission._tcp.wrongtarget.test. 3600 IN SRV   1 0 587 smtp.provider.test.',
  })
  t.match(find('CNAME autoconfig.wrongtarget.test')[0], {
    status: 'fail',
    detail: `wrong target: → autoconfig.other.test, expected ${SERVICE}`,
  })
  t.match(find('SRV _imap._tcp.wrongtarget.test (imap.provider.test:143)')[0], {
    status: 'warn',
    detail: 'priority 5, expected 1',
  })
})

t.test('wrong ports and TXT paths fail; a missing "not offered" record warns', async (t) => {
  const { code, find } = await doctorJson('wrongport.test')
  t.equal(code, 1)
  t.match(find('SRV _imaps._tcp.wrongport.test (imap.provider.test:993)')[0], {
    status: 'fail',
    detail: 'wrong port: 0 994 imap.provider.test, expected 993',
    fix: 'publish: _imaps._tcp.wrongport.test. 3600 IN SRV   0 0 993 imap.provider.test.',
  })
  t.match(find('TXT _caldavs._tcp.wrongport.test')[0], {
    status: 'fail',
    detail: 'wrong value: "path=/old/"',
    fix: 'publish: _caldavs._tcp.wrongport.test. 3600 IN TXT   "path=/cal/"',
  })
  t.match(find('SRV _pop3._tcp.wrongport.test (not offered)')[0], { status: 'warn', detail: 'missing' })
})

t.test('no MX only warns (exit 0); extra SRV records warn', async (t) => {
  const { code, find } = await doctorJson('nomx.test')
  t.equal(code, 0)
  t.match(find('MX nomx.test')[0], { status: 'warn', detail: /none published \(informational/ })
  const imaps = find('SRV _imaps._tcp.nomx.test')
  t.match(imaps[0], { status: 'warn', detail: 'also published: 9 993 old-imap.provider.test' })
})

t.test('A records instead of CNAMEs pass only with the service host addresses', async (t) => {
  const { code, find } = await doctorJson('arecord.test')
  t.equal(code, 1)
  t.match(find('CNAME autoconfig.arecord.test')[0], { status: 'pass', detail: /no CNAME, but its addresses/ })
  t.match(find('CNAME autodiscover.arecord.test')[0], {
    status: 'fail',
    detail: `wrong target: addresses 10.9.9.9 are not ${SERVICE}'s`,
    fix: `replace its A/AAAA records with: autodiscover.arecord.test. 3600 IN CNAME ${SERVICE}.`,
  })
})

t.test('HTTPS: a document that differs from the settings, a certificate for other names', async (t) => {
  const stale = await doctorJson('stale.test')
  t.equal(stale.code, 1)
  t.match(stale.find('HTTPS autoconfig.stale.test')[0], {
    status: 'fail',
    detail:
      'the answer differs from the settings: missing imap imap.provider.test:993 SSL; unexpected imap old-imap.provider.test:993 SSL',
  })
  t.match(stale.find('HTTPS autodiscover.stale.test')[0], {
    status: 'fail',
    detail:
      'the answer differs from the settings: missing IMAP imap.provider.test:993 SSL; unexpected IMAP old-imap.provider.test:993 SSL',
  })
  const badcert = await doctorJson('badcert.test')
  t.equal(badcert.code, 1)
  t.match(badcert.find('HTTPS autodiscover.badcert.test')[0], {
    status: 'fail',
    detail: 'the certificate is not valid for autodiscover.badcert.test',
    fix: /install a certificate valid for autodiscover\.badcert\.test/,
  })
  t.same(
    badcert.report.checks.filter((c) => c.status !== 'pass').map((c) => c.check),
    ['HTTPS autoconfig.badcert.test', 'HTTPS autodiscover.badcert.test'],
    'its DNS is fine',
  )
})

t.test('the text report: one line per check, fixes, a count', async (t) => {
  const result = await runInProcess(['doctor', 'missing.test', ...common])
  t.equal(result.code, 1)
  const lines = result.stdout.trimEnd().split('\n')
  t.equal(lines[0], 'mailsetup doctor: missing.test')
  t.ok(lines.includes('FAIL  SRV _imaps._tcp.missing.test (imap.provider.test:993): missing'))
  t.ok(
    lines.includes('      fix: publish: _imaps._tcp.missing.test. 3600 IN SRV   0 0 993 imap.provider.test.'),
  )
  t.ok(lines.includes('PASS  MX missing.test: 10 mx.provider.test'))
  t.equal(lines.at(-1), '12 passed, 0 warnings, 2 failed')
  const one = await runInProcess(['doctor', 'wrongport.test', ...common])
  t.match(one.stdout, /^11 passed, 1 warning, 2 failed\n$/m)
})

t.test('as real processes: exit code 0 when nothing fails, 1 when a check fails', async (t) => {
  const [good, missing] = await Promise.all([
    spawnCli(['doctor', 'good.test', ...common]),
    spawnCli(['doctor', 'missing.test', ...common]),
  ])
  t.equal(good.code, 0, good.stderr)
  t.match(good.stdout, /^14 passed, 0 warnings, 0 failed$/m)
  t.equal(missing.code, 1, missing.stderr)
  t.match(missing.stdout, /^FAIL {2}CNAME autoconfig\.missing\.test: missing$/m)
})
