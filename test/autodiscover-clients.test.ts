// Every configured server reaches Outlook-schema readers as configured, and nothing private is logged.
import { readFileSync } from 'node:fs'
import { PassThrough } from 'node:stream'
import t from 'tap'
import { activeSyncBody, outlookBody, postPox } from './helpers/autodiscover-requests.js'
import { parsePox, poxViolations, typeOf } from './helpers/autodiscover-rules.js'
import { appFor, BUNDLED_CONFIG, baseConfig, loadConfig } from './helpers/settings.js'

const ENCRYPTION: Record<string, string> = { tls: 'SSL', starttls: 'TLS' }

const bundled = readFileSync(BUNDLED_CONFIG, 'utf8')
const localpart = baseConfig({
  defaults: { ...(baseConfig().defaults as object), username: 'localpart' },
  domains: [{ name: 'test.example', aliases: ['alias.example'] }],
})
const pop3First = baseConfig({
  defaults: {
    incoming: [
      { type: 'pop3', hostname: 'pop.test.example', port: 995, security: 'tls' },
      { type: 'imap', hostname: 'imap.test.example', port: 143, security: 'starttls' },
      { type: 'imap', hostname: 'plain.test.example', port: 143, security: 'none' },
    ],
    outgoing: [{ type: 'smtp', hostname: 'smtp.test.example', port: 587, security: 'starttls' }],
  },
})

t.test(
  'each mail Protocol matches the configured server, in preference order (IMAP, POP3, SMTP)',
  async (t) => {
    for (const [name, config, address] of [
      ['bundled', bundled, 'alice@example.net'],
      ['bundled alias', bundled, 'alice@example.org'],
      ['localpart usernames', localpart, 'bob@alias.example'],
      ['POP3 listed first, a plain server', pop3First, 'bob@test.example'],
    ] as const) {
      const { settings } = loadConfig(config)
      const domain = settings.lookup.get(address.split('@')[1] as string)!
      const secure = (type: string) =>
        [...domain.profile.incoming, ...domain.profile.outgoing].filter(
          (s) => s.protocol === type && s.security !== 'none',
        )
      const expected = ['imap', 'pop3', 'smtp'].flatMap((type) =>
        secure(type).map((s) => `${type.toUpperCase()} ${s.hostname}:${s.port} ${ENCRYPTION[s.security]}`),
      )
      const res = await postPox(appFor(config), outlookBody(address))
      t.same(poxViolations(res), [], name)
      const mail = parsePox(res.body).protocols.filter((p) =>
        ['IMAP', 'POP3', 'SMTP'].includes(typeOf(p) as string),
      )
      t.same(
        mail.map((p) => `${typeOf(p)} ${p.Server}:${p.Port} ${p.Encryption}`),
        expected,
        name,
      )
      const login = name === 'localpart usernames' ? 'bob' : address
      t.ok(
        mail.every((p) => p.LoginName === login),
        `${name}: one LoginName form (FairEmail applies one to all)`,
      )
    }
  },
)

t.test('the rule checker catches what the configuration warns about', async (t) => {
  const odd = baseConfig({
    defaults: {
      incoming: [{ type: 'imap', hostname: 'imap.test.example', port: 1143, security: 'starttls' }],
      outgoing: [{ type: 'smtp', hostname: 'smtp.test.example', port: 465, security: 'tls' }],
    },
  })
  t.same(
    loadConfig(odd).warnings.map((w) => w.path),
    ['defaults.incoming[0].port'],
  )
  t.match(poxViolations(await postPox(appFor(odd), outlookBody('bob@test.example'))), [
    /STARTTLS on port 1143/,
    /FairEmail infers from the port/,
  ])
})

t.test('addresses never reach the logs', async (t) => {
  const stream = new PassThrough()
  const lines: string[] = []
  stream.on('data', (chunk: Buffer) => lines.push(chunk.toString()))
  const app = appFor(bundled, stream)
  await postPox(app, outlookBody('secret.person@example.com'))
  await postPox(app, activeSyncBody('secret.person@example.org'))
  await postPox(app, outlookBody('secret.person@unknown.example'))
  await postPox(app, `${outlookBody('secret.person@example.com')}<broken`)
  await app.inject({ url: '/autodiscover/autodiscover.json?Email=secret.person@example.com&Protocol=Ews' })
  await app.inject({ url: '/autodiscover/autodiscover.json/v1.0/secret.person@example.com?Protocol=Ews' })
  await app.inject({ url: '/autodiscover/autodiscover.json/v1.0/secret.person%40example.com?Protocol=x' })
  const log = lines.join('')
  t.match(log, /"path":"\/autodiscover\/autodiscover.xml"/)
  t.match(log, /autodiscover request refused/)
  t.notMatch(log, /secret/)
})
