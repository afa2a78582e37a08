// `mailsetup dns`: the zone lines are parsed back the way a name server would read them and compared
// with the settings they came from (CLIENTS.md §4, RFC 6186, RFC 8314, RFC 6764).
import t from 'tap'
import { stringify } from 'yaml'
import { expectedRecords, findServiceHost } from '../src/dns/expected-records.js'
import { formatRdata, formatZone, zoneJson } from '../src/dns/format-zone.js'
import { runInProcess } from './helpers/cli.js'
import { BUNDLED_CONFIG, baseConfig, loadConfig } from './helpers/settings.js'
import { spawnCli } from './helpers/spawn-cli.js'

// Spawned CLI processes load the TypeScript loader: seconds each on a busy 2-core machine.
t.setTimeout(180_000)

interface ZoneLine {
  name: string
  ttl: number
  type: string
  rdata: string[]
}

/** Master-file lines back to records: comments skipped, every name must be absolute. */
function parseZone(text: string): ZoneLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith(';'))
    .map((line) => {
      const [name, ttl, klass, type, ...rdata] = line.trim().split(/\s+/)
      if (klass !== 'IN' || !name?.endsWith('.')) throw new Error(`bad zone line: ${line}`)
      return { name: name as string, ttl: Number(ttl), type: type as string, rdata }
    })
}

function srv(lines: ZoneLine[], name: string) {
  return lines.filter((l) => l.type === 'SRV' && l.name === name).map((l) => l.rdata.join(' '))
}

const config = baseConfig({
  service: { publicUrl: 'https://mailsetup.provider.example' },
  defaults: {
    incoming: [
      { type: 'imap', hostname: 'imap.test.example', port: 993, security: 'tls' },
      { type: 'pop3', hostname: 'pop.test.example', port: 995, security: 'tls' },
      { type: 'imap', hostname: 'imap2.test.example', port: 1993, security: 'tls' },
      { type: 'imap', hostname: 'imap.test.example', port: 143, security: 'starttls' },
    ],
    outgoing: [
      { type: 'smtp', hostname: 'smtp.test.example', port: 587, security: 'starttls' },
      { type: 'smtp', hostname: 'smtp.test.example', port: 465, security: 'tls' },
      { type: 'smtp', hostname: 'plain.test.example', port: 25, security: 'none' },
    ],
    dav: { caldavUrl: 'https://dav.test.example/cal/', carddavUrl: 'http://dav.test.example:8008/card/' },
  },
  domains: [
    { name: 'test.example', aliases: ['alias.example'] },
    { name: 'other.example', dav: null },
    {
      name: 'third.example',
      dav: { caldavUrl: 'http://dav.third.example/dav/', carddavUrl: 'https://dav.third.example:8443/card/' },
    },
  ],
})

t.test('zone lines carry every record of CLIENTS.md §4, matching the settings', async (t) => {
  const { settings } = loadConfig(config)
  const service = findServiceHost(settings)!
  const lines = parseZone(
    formatZone('test.example', expectedRecords(settings, 'test.example', service)!, 600),
  )
  t.ok(lines.every((l) => l.ttl === 600))
  const cname = (name: string) =>
    lines.filter((l) => l.type === 'CNAME' && l.name === name).map((l) => l.rdata[0])
  t.same(cname('autoconfig.test.example.'), ['mailsetup.provider.example.'])
  t.same(cname('autodiscover.test.example.'), ['mailsetup.provider.example.'])
  t.same(srv(lines, '_autodiscover._tcp.test.example.'), ['0 0 443 mailsetup.provider.example.'])
  // Priorities follow the configured order across IMAP and POP3 (RFC 6186 §3.4).
  t.same(srv(lines, '_imaps._tcp.test.example.'), [
    '0 0 993 imap.test.example.',
    '2 0 1993 imap2.test.example.',
  ])
  t.same(srv(lines, '_pop3s._tcp.test.example.'), ['1 0 995 pop.test.example.'])
  t.same(srv(lines, '_imap._tcp.test.example.'), ['3 0 143 imap.test.example.'])
  t.same(srv(lines, '_pop3._tcp.test.example.'), ['0 0 0 .'], 'not offered: target "."')
  t.same(srv(lines, '_submission._tcp.test.example.'), ['0 0 587 smtp.test.example.'])
  t.same(srv(lines, '_submissions._tcp.test.example.'), ['1 0 465 smtp.test.example.'])
  t.notOk(
    lines.some((l) => l.rdata.includes('plain.test.example.')),
    'a server without TLS is never advertised',
  )
  t.same(srv(lines, '_caldavs._tcp.test.example.'), ['0 0 443 dav.test.example.'])
  t.same(srv(lines, '_carddav._tcp.test.example.'), ['0 0 8008 dav.test.example.'], 'http DAV: no "s"')
  const txt = (name: string) =>
    lines.filter((l) => l.type === 'TXT' && l.name === name).map((l) => l.rdata[0])
  t.same(txt('_caldavs._tcp.test.example.'), ['"path=/cal/"'])
  t.same(txt('_carddav._tcp.test.example.'), ['"path=/card/"'])
  t.equal(lines.length, 14)
})

t.test('aliases get their own records; a domain without DAV gets none', async (t) => {
  const { settings } = loadConfig(config)
  const service = findServiceHost(settings)!
  const alias = parseZone(formatZone('alias.example', expectedRecords(settings, 'alias.example', service)!))
  t.ok(alias.every((l) => l.name.endsWith('alias.example.') && l.ttl === 3600))
  t.same(srv(alias, '_imaps._tcp.alias.example.'), [
    '0 0 993 imap.test.example.',
    '2 0 1993 imap2.test.example.',
  ])
  const other = expectedRecords(settings, 'other.example', service)!
  t.notOk(other.some((r) => r.name.includes('dav')))
  t.equal(expectedRecords(settings, 'nothosted.example', service), undefined)
  const third = parseZone(formatZone('third.example', expectedRecords(settings, 'third.example', service)!))
  t.same(
    srv(third, '_caldav._tcp.third.example.'),
    ['0 0 80 dav.third.example.'],
    'http DAV on its default port',
  )
})

t.test(
  'the service host itself needs addresses, not a CNAME to itself; a port reaches the SRV',
  async (t) => {
    const { settings } = loadConfig(
      baseConfig({ service: { publicUrl: 'https://autoconfig.test.example:8443/' } }),
    )
    const service = findServiceHost(settings)!
    const records = expectedRecords(settings, 'test.example', service)!
    const zone = formatZone('test.example', records)
    t.match(
      zone,
      /^; autoconfig\.test\.example\. is the service's own host: publish its A and AAAA records$/m,
    )
    t.same(srv(parseZone(zone), '_autodiscover._tcp.test.example.'), ['0 0 8443 autoconfig.test.example.'])
    t.same(
      parseZone(zone)
        .filter((l) => l.type === 'CNAME')
        .map((l) => `${l.name} ${l.rdata[0]}`),
      ['autodiscover.test.example. autoconfig.test.example.'],
    )
    t.equal(findServiceHost(loadConfig(baseConfig()).settings), undefined, 'no publicUrl, no host')
    const json = zoneJson('test.example', records)
    t.same(json.records[0], {
      type: 'ADDRESS',
      name: 'autoconfig.test.example',
      purpose: records[0]!.purpose,
      ttl: 3600,
    })
    t.equal(json.records[1]!.rdata, 'autoconfig.test.example.')
  },
)

t.test('TXT strings are quoted and escaped as RFC 1035 §5.1 says', async (t) => {
  t.equal(
    formatRdata({ type: 'TXT', name: 'x.example', purpose: 'p', text: 'path=/a"b\\c' }),
    '"path=/a\\"b\\\\c"',
  )
  t.equal(formatRdata({ type: 'ADDRESS', name: 'x.example', purpose: 'p' }), '')
})

t.test('the CLI prints zone lines, JSON, and every domain with --all', async (t) => {
  const dir = t.testdir({ 'mailsetup.yaml': stringify(config), 'nopublic.yaml': stringify(baseConfig()) })
  const env = { MAILSETUP_CONFIG: `${dir}/mailsetup.yaml` }
  const one = await runInProcess(['dns', 'Test.Example', '--ttl', '300'], env)
  t.equal(one.code, 0)
  const { settings } = loadConfig(config)
  t.equal(
    one.stdout,
    formatZone('test.example', expectedRecords(settings, 'test.example', findServiceHost(settings)!)!, 300),
  )
  const json = await runInProcess(['dns', 'alias.example', '--json', '--config', `${dir}/mailsetup.yaml`])
  const doc = JSON.parse(json.stdout)
  t.equal(doc.domain, 'alias.example')
  const imaps = doc.records.filter((r: { name: string }) => r.name === '_imaps._tcp.alias.example')
  t.same(
    imaps.map((r: { rdata: string; port: number }) => [r.rdata, r.port]),
    [
      ['0 0 993 imap.test.example.', 993],
      ['2 0 1993 imap2.test.example.', 1993],
    ],
  )
  const all = await runInProcess(['dns', '--all', '--json'], env)
  t.same(
    JSON.parse(all.stdout).map((d: { domain: string }) => d.domain),
    ['test.example', 'alias.example', 'other.example', 'third.example'],
  )
  const allZone = await runInProcess(['dns', '--all'], env)
  t.same(allZone.stdout.match(/^; mailsetup: records for .*$/gm), [
    '; mailsetup: records for test.example',
    '; mailsetup: records for alias.example',
    '; mailsetup: records for other.example',
    '; mailsetup: records for third.example',
  ])
  const missing = await runInProcess(['dns', 'test.example', '--config', `${dir}/nopublic.yaml`])
  t.equal(missing.code, 1)
  t.match(missing.stderr, /set service\.publicUrl/)
})

t.test('usage mistakes and bad configs: one-line errors and exit codes', async (t) => {
  const env = { MAILSETUP_CONFIG: BUNDLED_CONFIG }
  const cases: [string[], number, RegExp][] = [
    [['dns', 'example.com', '--config', '/nonexistent.yaml'], 1, /cannot read the file/],
    [['dns'], 2, /give one domain \(or --all\)/],
    [['dns', 'a.example', 'b.example'], 2, /give one domain/],
    [['dns', '--all', 'example.com'], 2, /not both/],
    [['dns', 'not a domain'], 2, /"not a domain" is not a valid domain name/],
    [['dns', 'example.com', '--ttl', '0'], 2, /--ttl must be an integer from 1/],
    [['dns', 'example.com', '--ttl', '1e3'], 2, /--ttl must be an integer/],
    [
      ['dns', 'example.com', '--bogus'],
      2,
      /^mailsetup dns: Unknown option '--bogus'; see mailsetup dns --help\n$/,
    ],
    [['dns', 'unknown.example'], 1, /unknown\.example is not a hosted domain or alias/],
  ]
  const byDefault = await runInProcess(['dns', 'example.org'], {})
  t.equal(byDefault.code, 0, 'the bundled config by default')
  t.match(byDefault.stdout, /^autoconfig\.example\.org\. +3600 IN CNAME autodiscover\.example\.com\.$/m)
  for (const [args, code, message] of cases) {
    const result = await runInProcess(args, env)
    t.equal(result.code, code, args.join(' '))
    t.match(result.stderr, message)
  }
})

t.test('the CLI as a real process: output and exit codes', { timeout: 120_000 }, async (t) => {
  const [ok, bogus] = await Promise.all([
    spawnCli(['dns', 'example.com', '--config', BUNDLED_CONFIG]),
    spawnCli(['dns', 'example.com', '--bogus']),
  ])
  t.equal(ok.code, 0)
  t.match(ok.stdout, /^_imaps\._tcp\.example\.com\. +3600 IN SRV +0 0 993 imap\.example\.com\.$/m)
  t.equal(bogus.code, 2)
  t.equal(bogus.stderr, "mailsetup dns: Unknown option '--bogus'; see mailsetup dns --help\n")
})
