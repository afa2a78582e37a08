import { readFileSync } from 'node:fs'
import t from 'tap'
import { AUTOCONFIG_PATHS } from '../src/routes/autoconfig.js'
import { autoconfigViolations, parseAutoconfig } from './helpers/autoconfig-rules.js'
import { appFor, BUNDLED_CONFIG, baseConfig } from './helpers/settings.js'

const bundled = readFileSync(BUNDLED_CONFIG, 'utf8')

t.test('bundled config: every path, with an address, satisfies every client', async (t) => {
  const app = appFor(bundled)
  for (const path of AUTOCONFIG_PATHS) {
    const res = await app.inject({ url: `${path}?emailaddress=alice@example.com` })
    t.same(autoconfigViolations(res, true), [], path)
    t.equal(res.headers['content-type'], 'application/xml; charset=utf-8')
    const doc = parseAutoconfig(res.body)
    t.equal(doc.id, 'mail.example.com')
    t.same(doc.domains, ['example.com'])
    t.same(
      doc.incoming.map((s) => `${s.type} ${s.hostname}:${s.port} ${s.socketType}`),
      [
        'imap imap.example.com:993 SSL',
        'imap imap.example.com:143 STARTTLS',
        'pop3 pop.example.com:995 SSL',
        'pop3 pop.example.com:110 STARTTLS',
      ],
    )
    t.same(
      doc.outgoing.map((s) => `${s.port} ${s.socketType}`),
      ['465 SSL', '587 STARTTLS'],
    )
    t.ok(doc.incoming.every((s) => s.username === 'alice@example.com'))
    t.equal(doc.incoming[2]?.pop3?.leaveMessagesOnServer, 'true')
    t.equal(doc.incoming[2]?.pop3?.daysToLeaveMessagesOnServer, '7')
    t.equal((doc.webMail!.loginPage as Record<string, string>)['@url'], 'https://webmail.example.com/')
    t.equal(doc.addressbook?.['@type'], 'carddav')
    t.equal(doc.addressbook?.url, 'https://dav.example.com/carddav/')
    t.equal(doc.calendar?.url, 'https://dav.example.com/caldav/')
    t.same(doc.calendar?.authentication, [{ '#text': 'Basic', '@system': 'http' }])
    t.equal(doc.documentation?.['@url'], 'https://help.example.com/mail-setup')
  }
})

t.test('without an address the Host header picks the domain and usernames stay placeholders', async (t) => {
  const app = appFor(bundled)
  const hosts: [string, string][] = [
    ['autoconfig.example.com', '/mail/config-v1.1.xml'],
    ['example.com', '/.well-known/autoconfig/mail/config-v1.1.xml'],
    ['AutoConfig.Example.COM:8080', '/mail/config-v1.1.xml'],
    ['autoconfig.example.org', '/.well-known/mail-v1.xml'],
  ]
  for (const [host, url] of hosts) {
    const res = await app.inject({ url, headers: { host } })
    t.same(autoconfigViolations(res, false), [], host)
    const doc = parseAutoconfig(res.body)
    t.ok(
      doc.incoming.every((s) => s.username === '%EMAILADDRESS%'),
      `${host}: placeholder usernames`,
    )
    t.ok(
      doc.incoming.every((s) => !s.hostname.includes('%')),
      `${host}: literal hostnames`,
    )
  }
})

t.test('HEAD answers like GET without a body', async (t) => {
  const app = appFor(bundled)
  const res = await app.inject({
    method: 'HEAD',
    url: '/mail/config-v1.1.xml?emailaddress=alice@example.com',
  })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/xml; charset=utf-8')
  t.equal(res.body, '')
})

t.test('Evolution (emailmd5) gets one server per type', async (t) => {
  const app = appFor(bundled)
  const res = await app.inject({ url: '/mail/config-v1.1.xml?emailaddress=alice@example.com&emailmd5=0123' })
  t.same(autoconfigViolations(res, true), [])
  const doc = parseAutoconfig(res.body)
  t.same(
    doc.incoming.map((s) => `${s.type}:${s.port}`),
    ['imap:993', 'pop3:995'],
  )
  t.same(
    doc.outgoing.map((s) => s.port),
    ['465'],
  )
})

t.test('errors: unknown domain 404, malformed address 400, both one line of plain text', async (t) => {
  const app = appFor(bundled)
  const unknown = await app.inject({ url: '/mail/config-v1.1.xml?emailaddress=bob@elsewhere.example' })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.headers['content-type'], 'text/plain; charset=utf-8')
  t.equal(unknown.body, 'this domain is not hosted here\n')
  const noHost = await app.inject({
    url: '/mail/config-v1.1.xml',
    headers: { host: 'autoconfig.elsewhere.example' },
  })
  t.equal(noHost.statusCode, 404)
  for (const host of ['bad_host', '[::1]:8080', 'example.com.evil.example']) {
    const res = await app.inject({ url: '/mail/config-v1.1.xml', headers: { host } })
    t.equal(res.statusCode, 404, host)
  }
  // A Host header that is no host name at all is refused before routing (issue 5).
  const malformed = await app.inject({ url: '/mail/config-v1.1.xml', headers: { host: 'bad_host!' } })
  t.equal(malformed.statusCode, 400)
  for (const address of [
    'alice',
    'al%20ice@example.com',
    '%3Cscript%3E@example.com%00',
    `${'a'.repeat(70)}@example.com`,
  ]) {
    const res = await app.inject({ url: `/mail/config-v1.1.xml?emailaddress=${address}` })
    t.equal(res.statusCode, 400, address)
    t.equal(res.body.split('\n').length, 2, 'one line')
    t.notMatch(res.body, /script|aaaa/, 'nothing the client sent is echoed')
  }
  const other = await app.inject({ url: '/mail/config-v1.1.xmlx' })
  t.equal(other.statusCode, 404)
  t.equal(other.headers['content-type'], 'text/plain; charset=utf-8', 'never an HTML page')
})

t.test('an address with XML-special characters is escaped and the document still parses', async (t) => {
  const app = appFor(bundled)
  const res = await app.inject({
    url: `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent('o\'brien&<x>"@example.com')}`,
  })
  t.same(autoconfigViolations(res, true), [])
  t.match(res.body, /<username>o&apos;brien&amp;&lt;x&gt;&quot;@example\.com<\/username>/)
  t.equal(parseAutoconfig(res.body).incoming[0]?.username, 'o\'brien&<x>"@example.com')
})

const server = (type: string, port: number, security: string, extra: Record<string, unknown> = {}) => ({
  type,
  hostname: `${type === 'smtp' ? 'smtp' : type === 'pop3' ? 'pop' : 'imap'}.test.example`,
  port,
  security,
  ...extra,
})

interface MatrixCase {
  config: Record<string, unknown>
  address: string
  check: (doc: ReturnType<typeof parseAutoconfig>) => void
  /** Violations that are inherent to the config when the client sends no address. */
  withoutAddress?: string[]
}

const MATRIX: Record<string, MatrixCase> = {
  'TLS only': {
    config: baseConfig({
      defaults: { incoming: [server('imap', 993, 'tls')], outgoing: [server('smtp', 465, 'tls')] },
    }),
    address: 'alice@test.example',
    check: (doc) =>
      t.same(
        [...doc.incoming, ...doc.outgoing].map((s) => s.socketType),
        ['SSL', 'SSL'],
      ),
  },
  'STARTTLS only': {
    config: baseConfig({
      defaults: { incoming: [server('imap', 143, 'starttls')], outgoing: [server('smtp', 587, 'starttls')] },
    }),
    address: 'alice@test.example',
    check: (doc) =>
      t.same(
        [...doc.incoming, ...doc.outgoing].map((s) => s.socketType),
        ['STARTTLS', 'STARTTLS'],
      ),
  },
  'POP3 only': {
    config: baseConfig({
      defaults: {
        incoming: [server('pop3', 995, 'tls'), server('pop3', 110, 'starttls')],
        outgoing: [server('smtp', 465, 'tls')],
        pop3: { leaveMessagesOnServer: false, daysToLeaveMessagesOnServer: 9 },
      },
    }),
    address: 'alice@test.example',
    check: (doc) => {
      t.same(
        doc.incoming.map((s) => s.type),
        ['pop3', 'pop3'],
      )
      t.equal(doc.incoming[0]?.pop3?.leaveMessagesOnServer, 'false')
      t.equal(
        doc.incoming[0]?.pop3?.daysToLeaveMessagesOnServer,
        undefined,
        'no days when messages are not left',
      )
    },
  },
  'username template': {
    config: baseConfig({ domains: [{ name: 'test.example', username: '%EMAILLOCALPART%.%EMAILDOMAIN%' }] }),
    address: 'Alice@Test.Example',
    check: (doc) =>
      t.ok([...doc.incoming, ...doc.outgoing].every((s) => s.username === 'Alice.test.example')),
    // A template cannot be a whole-value placeholder; the config loads with a warning saying so.
    withoutAddress: ['username "%EMAILLOCALPART%.test.example" is not a whole-value placeholder (GNOME)'],
  },
  'internationalised domain': {
    config: baseConfig({ domains: [{ name: 'bücher.example' }] }),
    address: 'anna@Bücher.example',
    check: (doc) => {
      t.same(doc.domains, ['xn--bcher-kva.example'])
      t.equal(doc.incoming[0]?.username, 'anna@xn--bcher-kva.example')
    },
  },
  'domain override': {
    config: baseConfig({
      domains: [
        { name: 'test.example' },
        {
          name: 'own.example',
          incoming: [
            {
              type: 'imap',
              hostname: 'mail.own.example',
              port: 993,
              security: 'tls',
              authentication: ['password-encrypted', 'password-cleartext'],
            },
          ],
        },
      ],
    }),
    address: 'bob@own.example',
    check: (doc) => {
      t.same(
        doc.incoming.map((s) => s.hostname),
        ['mail.own.example'],
      )
      t.same(doc.incoming[0]?.authentication, ['password-encrypted', 'password-cleartext'])
      t.same(
        doc.outgoing.map((s) => s.hostname),
        ['smtp.test.example', 'smtp.test.example'],
        'outgoing inherited',
      )
    },
  },
  'alias domain': {
    config: baseConfig({ domains: [{ name: 'test.example', aliases: ['alias.example'] }] }),
    address: 'carol@alias.example',
    check: (doc) => {
      t.same(doc.domains, ['alias.example'])
      t.equal(doc.incoming[0]?.username, 'carol@alias.example')
    },
  },
  'plain servers left out, IMAP first even when POP3 is listed first': {
    config: baseConfig({
      defaults: {
        incoming: [server('pop3', 995, 'tls'), server('imap', 143, 'none'), server('imap', 993, 'tls')],
        outgoing: [server('smtp', 25, 'none'), server('smtp', 587, 'starttls')],
      },
    }),
    address: 'dave@test.example',
    check: (doc) => {
      t.same(
        doc.incoming.map((s) => `${s.type}:${s.port}`),
        ['imap:993', 'pop3:995'],
      )
      t.same(
        doc.outgoing.map((s) => s.port),
        ['587'],
      )
    },
  },
}

for (const [name, { config, address, check, withoutAddress = [] }] of Object.entries(MATRIX)) {
  t.test(`matrix: ${name}`, async (t) => {
    const app = appFor(config)
    const withAddress = await app.inject({
      url: `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`,
    })
    t.same(autoconfigViolations(withAddress, true), [])
    check(parseAutoconfig(withAddress.body))
    const domain = address.split('@')[1]!
    const response = await app.inject({
      url: '/.well-known/autoconfig/mail/config-v1.1.xml',
      headers: { host: domain },
    })
    t.same(autoconfigViolations(response, false), withoutAddress, 'without the address too')
  })
}
