import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { stringify } from 'yaml'
import { loadSettings, parseSettings } from '../src/settings/load-settings.js'
import { formatProblem, SettingsError } from '../src/settings/problems.js'
import { pointerToPath } from '../src/settings/validate-schema.js'
import { BUNDLED_CONFIG, baseConfig, loadConfig } from './helpers/settings.js'

function problemsOf(fn: () => unknown) {
  try {
    fn()
  } catch (error) {
    if (error instanceof SettingsError) return error.problems
    throw error
  }
  throw new Error('expected a SettingsError')
}

t.test('every file under config/ loads', async (t) => {
  const dir = new URL('../config/', import.meta.url).pathname
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
  t.ok(files.length > 0)
  for (const file of files) {
    const { settings } = loadSettings(join(dir, file))
    t.ok(settings.domains.length > 0, `${file} has domains`)
  }
})

t.test('the bundled config models a typical host', async (t) => {
  const { settings, warnings } = loadSettings(BUNDLED_CONFIG)
  t.same(warnings, [])
  const example = settings.lookup.get('example.com')!
  t.same(
    example.profile.incoming.map((s) => `${s.protocol}:${s.port}:${s.security}`),
    ['imap:993:tls', 'imap:143:starttls', 'pop3:995:tls', 'pop3:110:starttls'],
  )
  t.same(
    example.profile.outgoing.map((s) => `${s.port}:${s.security}`),
    ['465:tls', '587:starttls'],
  )
  t.ok(example.profile.exchange?.ewsUrl)
  t.ok(example.profile.dav?.caldavUrl)
  t.equal(settings.lookup.get('example.org'), example, 'alias resolves to its domain')
  const net = settings.lookup.get('example.net')!
  t.equal(net.profile.exchange, undefined, 'exchange: null switches the section off')
  t.equal(net.profile.incoming[0]?.hostname, 'imap.example.net')
  t.same(net.profile.pop3, example.profile.pop3, 'untouched sections are inherited')
})

t.test('domains without overrides share one profile', async (t) => {
  const domains = Array.from({ length: 50 }, (_, i) => ({ name: `d${i}.example` }))
  domains.push({ name: 'own.example', webmail: 'https://webmail.own.example/' } as never)
  domains.push({ name: 'own2.example', webmail: 'https://webmail.own.example/' } as never)
  const { settings } = loadConfig(baseConfig({ domains }))
  t.equal(settings.profiles.length, 2, 'the defaults profile and one shared override profile')
  t.equal(settings.lookup.get('own.example')?.profile, settings.lookup.get('own2.example')?.profile)
})

t.test('overrides written differently with equal effect share one profile', async (t) => {
  const { settings } = loadConfig(
    baseConfig({
      domains: [
        { name: 'a.example', webmail: 'https://webmail.own.example/' },
        { name: 'b.example', webmail: 'https://webmail.own.example/', apple: { preferActiveSync: false } },
      ],
    }),
  )
  t.equal(settings.profiles.length, 1, 'only the overriding profile: no domain uses the defaults alone')
  t.equal(settings.lookup.get('a.example')?.profile, settings.lookup.get('b.example')?.profile)
})

t.test('a problem in overrides that several domains repeat is reported at each of them', async (t) => {
  const domains = ['a', 'b', 'c'].map((n) => ({ name: `${n}.example`, webmail: 'not a url' }))
  const problems = problemsOf(() => loadConfig(baseConfig({ domains })))
  t.same(
    problems.map((p) => p.path),
    ['domains[0].webmail', 'domains[1].webmail', 'domains[2].webmail'],
  )
})

t.test('internationalised domains are stored in ASCII and found in either form', async (t) => {
  const { settings } = loadConfig(
    baseConfig({ domains: [{ name: 'Bücher.Example', aliases: ['xn--mnchen-3ya.example'] }] }),
  )
  const domain = settings.domains[0]!
  t.equal(domain.name, 'xn--bcher-kva.example')
  t.equal(domain.displayName, 'bücher.example')
  t.equal(settings.lookup.get('xn--mnchen-3ya.example'), domain)
})

t.test('username forms map to placeholders; server usernames override the domain', async (t) => {
  const config = baseConfig()
  ;(config.defaults as Record<string, unknown>).username = 'localpart'
  const { settings } = loadConfig(config)
  t.same(
    settings.domains[0]!.profile.incoming.map((s) => s.username),
    ['%EMAILLOCALPART%', '%EMAILLOCALPART%'],
  )
  const templated = loadConfig(
    baseConfig({ domains: [{ name: 't.example', username: '%EMAILLOCALPART%+%EMAILDOMAIN%' }] }),
  )
  t.equal(templated.settings.domains[0]!.profile.outgoing[0]!.username, '%EMAILLOCALPART%+%EMAILDOMAIN%')
})

t.test('a broken config reports every problem with its path and line, all at once', async (t) => {
  const text = stringify(
    baseConfig({
      provider: { id: 'not a host', name: 'x'.repeat(61), shortName: 'ok', extra: 1 },
      domains: [
        {
          name: 'a.example',
          incoming: [{ type: 'imap', hostname: 'imap.a.example', port: 70000, security: 'tls' }],
        },
        {
          name: 'b.example',
          outgoing: [{ type: 'smtp', hostname: 'smtp.b.example', port: 25, security: 'ssl' }],
        },
      ],
    }),
  )
  const problems = problemsOf(() => parseSettings(text, 'broken.yaml'))
  const paths = problems.map((p) => p.path)
  t.ok(paths.includes('provider.name'), 'too-long name')
  t.ok(paths.includes('provider.extra'), 'unknown key')
  t.ok(paths.includes('domains[0].incoming[0].port'), 'port out of range')
  t.ok(paths.includes('domains[1].outgoing[0].security'), 'bad security')
  t.match(
    problems.find((p) => p.path === 'domains[1].outgoing[0].security')?.message,
    /must be one of: tls, starttls, none/,
  )
  t.match(problems.find((p) => p.path === 'provider.extra')?.message, 'unknown key')
  for (const p of problems) t.type(p.line, 'number', `${p.path} has a line`)
  t.match(formatProblem('broken.yaml', problems[0]!), /^broken\.yaml:\d+: /)
})

t.test('semantic problems are reported together with their paths', async (t) => {
  const problems = problemsOf(() =>
    loadConfig(
      baseConfig({
        provider: { id: 'localhost', name: 'N', shortName: 'S', documentationUrl: 'ftp://x.example/' },
        service: { publicUrl: 'not a url' },
        defaults: {
          username: '%EMAIL%',
          incoming: [],
          outgoing: [{ type: 'smtp', hostname: 'bad_host', port: 465, security: 'tls' }],
        },
        domains: [
          { name: 'a.example', aliases: ['b.example'] },
          { name: 'b.example', dav: { caldavUrl: 'https://dav.example/', carddavUrl: 'nope' } },
          {
            name: 'c.example',
            exchange: {
              server: 'bad host',
              ewsUrl: '::',
              mapiHttp: { mailStoreUrl: 'x', addressBookUrl: 'https://ok.example/' },
            },
          },
        ],
      }),
    ),
  )
  const messages = problems.map((p) => `${p.path}: ${p.message}`)
  t.match(messages, [/provider\.id: must be a fully qualified hostname/])
  for (const path of [
    'provider.documentationUrl',
    'service.publicUrl',
    'defaults.username',
    'defaults.outgoing[0].hostname',
    'domains[0]',
    'domains[1].name',
    'domains[1].dav.carddavUrl',
    'domains[2].exchange.server',
    'domains[2].exchange.ewsUrl',
    'domains[2].exchange.mapiHttp.mailStoreUrl',
  ]) {
    t.ok(
      problems.some((p) => p.path === path),
      `reports ${path}`,
    )
  }
})

t.test('insecure or misleading choices load with warnings', async (t) => {
  const { warnings } = loadConfig(
    baseConfig({
      defaults: {
        incoming: [
          { type: 'imap', hostname: 'imap.test.example', port: 143, security: 'none' },
          {
            type: 'imap',
            hostname: 'imap.test.example',
            port: 1143,
            security: 'starttls',
            username: 'localpart',
          },
          {
            type: 'pop3',
            hostname: 'pop.test.example',
            port: 9995,
            security: 'tls',
            authentication: ['OAuth2'],
          },
        ],
        outgoing: [{ type: 'smtp', hostname: 'smtp.test.example', port: 587, security: 'starttls' }],
        webmail: 'http://webmail.test.example/',
      },
    }),
  )
  const paths = warnings.map((w) => w.path)
  t.same(paths.sort(), [
    'defaults.incoming[0].security',
    'defaults.incoming[1].port',
    'defaults.incoming[2].authentication',
    'defaults.incoming[2].port',
    'defaults.webmail',
    'domains[0]',
  ])
})

t.test('yaml syntax errors and unreadable files are problems too', async (t) => {
  const yamlProblems = problemsOf(() => parseSettings('provider: [unclosed\n', 'bad.yaml'))
  t.equal(yamlProblems[0]?.path, '(yaml)')
  t.type(yamlProblems[0]?.line, 'number')
  const fileProblems = problemsOf(() => loadSettings('/nonexistent/mailsetup.yaml'))
  t.same(fileProblems, [{ path: '(file)', message: 'cannot read the file (ENOENT)' }])
  const duplicate = problemsOf(() => parseSettings('domains: []\ndomains: []\n', 'dup.yaml'))
  t.equal(duplicate[0]?.path, '(yaml)')
})

t.test('schema paths read like the file', async (t) => {
  t.equal(pointerToPath(''), '(top level)')
  t.equal(pointerToPath('/domains/1/incoming/0/port'), 'domains[1].incoming[0].port')
  t.equal(pointerToPath('/a~1b/c~0d'), 'a/b.c~d')
})

t.test('null switches inherited sections off; a provider may have no documentation', async (t) => {
  const config = baseConfig({
    provider: { id: 'mail.test.example', name: 'Test Mail', shortName: 'TestMail' },
    domains: [{ name: 'test.example' }, { name: 'bare.example', dav: null, webmail: null, exchange: null }],
  })
  const defaults = config.defaults as Record<string, unknown>
  defaults.dav = { caldavUrl: 'https://dav.test.example/cal/' }
  defaults.webmail = 'https://webmail.test.example/'
  const { settings } = loadConfig(config)
  t.equal(settings.provider.documentationUrl, undefined)
  t.equal(settings.lookup.get('test.example')?.profile.dav?.caldavUrl, 'https://dav.test.example/cal/')
  const bare = settings.lookup.get('bare.example')!.profile
  t.equal(bare.dav, undefined)
  t.equal(bare.webmailUrl, undefined)
})

t.test('without defaults every domain must bring its own servers', async (t) => {
  const config = baseConfig({ domains: [{ name: 'a.example' }] })
  delete config.defaults
  const problems = problemsOf(() => loadConfig(config))
  t.same(
    problems.map((p) => `${p.path}: ${p.message}`),
    [
      'domains[0]: no incoming server: set `incoming` here or in `defaults`',
      'domains[0]: no outgoing server: set `outgoing` here or in `defaults`',
    ],
  )
})

t.test('a literal username loads with a warning about address-less clients', async (t) => {
  const { warnings } = loadConfig(
    baseConfig({ domains: [{ name: 'test.example', username: 'shared-login' }] }),
  )
  t.match(warnings, [{ path: 'domains[0].username', message: /exactly one placeholder/ }])
})

t.test('missing keys are reported at their path, without a line when the file has none', async (t) => {
  const problems = problemsOf(() =>
    parseSettings('domains:\n  - name: a.example\n    webmail: 5\n', 'partial.yaml'),
  )
  const provider = problems.find((p) => p.path === 'provider')
  t.ok(provider, 'missing provider reported')
  t.equal(provider?.line, undefined)
  t.equal(formatProblem('partial.yaml', provider!), `partial.yaml: provider: ${provider?.message}`)
  t.equal(problems.filter((p) => p.path === 'domains[0].webmail').length, 1, 'one line per path for unions')
  t.equal(problems.find((p) => p.path === 'domains[0].webmail')?.line, 3)
})

t.test('a YAML alias bomb is refused without expanding it', async (t) => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
  for (let i = 0; i < 8; i++)
    bomb.push(
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
        .fill(`*${String.fromCharCode(97 + i)}`)
        .join(', ')}]`,
    )
  const problems = problemsOf(() => parseSettings(bomb.join('\n'), 'bomb.yaml'))
  t.equal(problems[0]?.path, '(yaml)')
  t.match(problems[0]?.message, /alias/i)
})

t.test('mistakes inside an optional section are reported at their own key', async (t) => {
  const problems = problemsOf(() =>
    loadConfig(
      baseConfig({
        domains: [{ name: 'a.example', dav: { caldavUrl: 5 }, exchange: { outlook: 'sometimes' } }],
      }),
    ),
  )
  const paths = problems.map((p) => p.path)
  t.ok(paths.includes('domains[0].dav.caldavUrl'), paths.join(', '))
  t.ok(paths.includes('domains[0].exchange.outlook'), paths.join(', '))
  t.notOk(paths.includes('domains[0].dav'))
})
