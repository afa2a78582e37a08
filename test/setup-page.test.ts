import { readFileSync } from 'node:fs'
import t from 'tap'
import { AUTOCONFIG_PATHS } from '../src/routes/autoconfig.js'
import { pairsOf, readPage, rowsOf } from './helpers/html-page.js'
import { appFor, BUNDLED_CONFIG, baseConfig } from './helpers/settings.js'

const bundled = appFor(readFileSync(BUNDLED_CONFIG, 'utf8'))
const HEADER = ['Server', 'Host name', 'Port and security', 'Sign-in', 'Username']

async function pageOf(app: ReturnType<typeof appFor>, url: string, host = 'localhost') {
  const response = await app.inject({ url, headers: { host } })
  return { response, page: readPage(response.body) }
}

t.test('the bundled domain without an address: every account type, described usernames', async (t) => {
  const { response, page } = await pageOf(bundled, '/', 'example.com')
  t.equal(response.statusCode, 200)
  t.equal(response.headers['content-type'], 'text/html; charset=utf-8')
  const csp = String(response.headers['content-security-policy'])
  for (const directive of [
    "default-src 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ])
    t.ok(csp.includes(directive), directive)
  t.match(csp, /style-src 'sha256-[A-Za-z0-9+/]+=*'/, 'only the inline stylesheet, by hash')
  t.notOk(csp.includes('unsafe'), 'no unsafe-inline')
  t.equal(response.headers['referrer-policy'], 'no-referrer')
  t.equal(response.headers['x-content-type-options'], 'nosniff')
  t.equal(response.headers['cache-control'], 'public, max-age=300')
  t.equal(page.lang, 'en')
  t.match(response.body, /<meta name="viewport" content="width=device-width, initial-scale=1">/)
  t.equal(page.h1, 'Email settings for example.com')
  t.same(page.headings, [
    'IMAP: your mail stays on the server (recommended)',
    'POP: your mail is downloaded to one device',
    'Exchange (MAPI): mail, contacts and calendar together',
    'Webmail',
    'Calendars and contacts (CalDAV and CardDAV)',
    'iPhone, iPad and Mac',
  ])
  t.same(page.tables.get('IMAP account settings')?.[0], HEADER)
  t.same(rowsOf(page, 'IMAP account settings'), [
    {
      Server: 'Incoming (IMAP)',
      'Host name': 'imap.example.com',
      'Port and security': '993 (SSL/TLS) or 143 (STARTTLS)',
      'Sign-in': 'Normal password',
      Username: 'your full email address',
    },
    {
      Server: 'Outgoing (SMTP)',
      'Host name': 'smtp.example.com',
      'Port and security': '465 (SSL/TLS) or 587 (STARTTLS)',
      'Sign-in': 'Normal password',
      Username: 'your full email address',
    },
  ])
  t.same(
    rowsOf(page, 'POP account settings').map((r) => [r['Host name'], r['Port and security']]),
    [
      ['pop.example.com', '995 (SSL/TLS) or 110 (STARTTLS)'],
      ['smtp.example.com', '465 (SSL/TLS) or 587 (STARTTLS)'],
    ],
  )
  t.match(page.text, /keep them for 7 days/, 'the configured POP3 days')
  t.same(pairsOf(page, 'Exchange account settings'), {
    Server: 'outlook.example.com',
    'Exchange Web Services (EWS)': 'https://outlook.example.com/EWS/Exchange.asmx',
    ActiveSync: 'https://outlook.example.com/Microsoft-Server-ActiveSync',
    Username: 'your full email address',
  })
  t.same(pairsOf(page, 'CalDAV and CardDAV settings'), {
    'Calendars (CalDAV)': 'https://dav.example.com/caldav/',
    'Contacts (CardDAV)': 'https://dav.example.com/carddav/',
    Username: 'your full email address',
  })
  t.ok(page.links.some((l) => l.href === 'https://webmail.example.com/'))
  t.ok(
    page.links.some((l) => l.href === 'https://help.example.com/mail-setup'),
    'provider documentation',
  )
  t.notOk(
    page.links.some((l) => l.href.includes('mobileconfig')),
    'no profile link without an address',
  )
  t.match(page.text, /Enter your email address above to get a settings profile/)
  t.same(page.form, { action: '/setup', method: 'get', inputValue: '', label: 'Your email address' })
  t.notOk(/<script|<img|<link|src=/i.test(response.body), 'no scripts and no external assets')
})

t.test('an address personalises usernames, the form and the profile link', async (t) => {
  const { response, page } = await pageOf(bundled, '/setup?email=alice@example.org')
  t.equal(response.statusCode, 200)
  t.equal(response.headers['cache-control'], 'private, no-store')
  t.equal(page.h1, 'Email settings for example.org', 'an alias keeps its own name')
  t.same(
    rowsOf(page, 'IMAP account settings').map((r) => r.Username),
    ['alice@example.org', 'alice@example.org'],
  )
  t.equal(pairsOf(page, 'Exchange account settings').Username, 'alice@example.org')
  t.equal(page.form.inputValue, 'alice@example.org')
  t.ok(page.links.some((l) => l.href === '/email.mobileconfig?email=alice%40example.org'))
  t.match(page.text, /settings for alice@example\.org at Example Mail/)
})

t.test('a customer domain without Exchange or POP, with its own webmail', async (t) => {
  const { page } = await pageOf(bundled, '/setup?emailaddress=bob@example.net', 'unknown.example')
  t.same(page.headings, [
    'IMAP: your mail stays on the server (recommended)',
    'Webmail',
    'Calendars and contacts (CalDAV and CardDAV)',
    'iPhone, iPad and Mac',
  ])
  t.same(
    rowsOf(page, 'IMAP account settings').map((r) => [r['Host name'], r['Sign-in'], r.Username]),
    [
      ['imap.example.net', 'Normal password or Encrypted password', 'bob@example.net'],
      ['smtp.example.net', 'Normal password', 'bob@example.net'],
    ],
  )
  t.ok(page.links.some((l) => l.href === 'https://mail.example.net/'))
})

t.test('IMAP only: no POP, Exchange, DAV, webmail or help link', async (t) => {
  const provider = { id: 'mail.test.example', name: 'Test Mail', shortName: 'TestMail' }
  const app = appFor(baseConfig({ provider }))
  const { page } = await pageOf(app, '/', 'autoconfig.test.example')
  t.equal(page.h1, 'Email settings for test.example', 'autoconfig.<domain> serves the page too')
  t.same(page.headings, ['IMAP: your mail stays on the server (recommended)', 'iPhone, iPad and Mac'])
  t.notOk(
    page.links.some((l) => l.href.startsWith('http')),
    'no external links at all',
  )
})

t.test('POP only, with and without a configured number of days', async (t) => {
  const pop = [{ type: 'pop3', hostname: 'pop.test.example', port: 995, security: 'tls' }]
  const noDays = appFor(baseConfig({ defaults: { ...(baseConfig().defaults as object), incoming: pop } }))
  const { page } = await pageOf(noDays, '/', 'test.example')
  t.same(page.headings, ['POP: your mail is downloaded to one device', 'iPhone, iPad and Mac'])
  t.match(page.text, /keep them for a short time, such as 5 to 10 days/)
  t.equal(rowsOf(page, 'POP account settings')[0]?.['Port and security'], '995 (SSL/TLS)')
  const oneDay = appFor(
    baseConfig({
      defaults: {
        ...(baseConfig().defaults as object),
        incoming: pop,
        pop3: { leaveMessagesOnServer: true, daysToLeaveMessagesOnServer: 1 },
      },
    }),
  )
  t.match((await pageOf(oneDay, '/', 'test.example')).page.text, /keep them for 1 day,/)
  const leaveOff = appFor(
    baseConfig({
      defaults: {
        ...(baseConfig().defaults as object),
        incoming: pop,
        pop3: { leaveMessagesOnServer: false, daysToLeaveMessagesOnServer: 30 },
      },
    }),
  )
  t.match(
    (await pageOf(leaveOff, '/', 'test.example')).page.text,
    /5 to 10 days/,
    'days apply only when kept',
  )
})

t.test('Exchange with only URLs, and DAV with only a calendar', async (t) => {
  const app = appFor(
    baseConfig({
      domains: [
        {
          name: 'test.example',
          exchange: { ewsUrl: 'https://ews.test.example/EWS/Exchange.asmx' },
          dav: { caldavUrl: 'https://dav.test.example/cal/' },
        },
        { name: 'bare.test.example', exchange: { oabUrl: 'https://oab.test.example/OAB/' } },
      ],
    }),
  )
  const { page } = await pageOf(app, '/setup?email=carol@test.example')
  t.same(pairsOf(page, 'Exchange account settings'), {
    Server: 'ews.test.example',
    'Exchange Web Services (EWS)': 'https://ews.test.example/EWS/Exchange.asmx',
    Username: 'carol@test.example',
  })
  t.same(pairsOf(page, 'CalDAV and CardDAV settings'), {
    'Calendars (CalDAV)': 'https://dav.test.example/cal/',
    Username: 'carol@test.example',
  })
  const bare = await pageOf(app, '/', 'bare.test.example')
  t.same(pairsOf(bare.page, 'Exchange account settings'), { Username: 'your full email address' })
})

t.test('username forms: local part, a template, a literal, and different per server', async (t) => {
  const servers = (username?: string) => ({
    incoming: [{ type: 'imap', hostname: 'imap.test.example', port: 993, security: 'tls', username }],
    outgoing: [{ type: 'smtp', hostname: 'smtp.test.example', port: 465, security: 'tls', username }],
  })
  const app = appFor(
    baseConfig({
      domains: [
        { name: 'test.example', username: 'localpart' },
        { name: 'tpl.example', ...servers('%EMAILLOCALPART%+%EMAILDOMAIN%') },
        { name: 'lit.example', ...servers('shared-box') },
        {
          name: 'mixed.example',
          incoming: [
            { type: 'imap', hostname: 'imap.test.example', port: 993, security: 'tls' },
            {
              type: 'imap',
              hostname: 'imap.test.example',
              port: 143,
              security: 'starttls',
              username: 'localpart',
            },
          ],
        },
      ],
    }),
  )
  const usernames = async (url: string, host = 'localhost') =>
    rowsOf((await pageOf(app, url, host)).page, 'IMAP account settings').map((r) => r.Username)
  t.same(await usernames('/', 'test.example'), [
    'the part of your email address before the @',
    'the part of your email address before the @',
  ])
  t.same(await usernames('/setup?email=Dave.Smith@test.example'), ['Dave.Smith', 'Dave.Smith'])
  t.same(await usernames('/', 'tpl.example'), [
    'like name+tpl.example, with your own name',
    'like name+tpl.example, with your own name',
  ])
  t.same(await usernames('/setup?email=erin@tpl.example'), ['erin+tpl.example', 'erin+tpl.example'])
  t.same(await usernames('/', 'lit.example'), ['shared-box', 'shared-box'])
  const mixed = rowsOf((await pageOf(app, '/setup?email=f@mixed.example')).page, 'IMAP account settings')
  t.same(
    mixed.map((r) => [r['Port and security'], r.Username]),
    [
      ['993 (SSL/TLS)', 'f@mixed.example'],
      ['143 (STARTTLS)', 'f'],
      ['465 (SSL/TLS) or 587 (STARTTLS)', 'f@mixed.example'],
    ],
    'servers with different usernames get their own rows',
  )
})

t.test('servers without TLS are never shown', async (t) => {
  const plain = (type: string, port: number) => ({
    type,
    hostname: `${type}.test.example`,
    port,
    security: 'none',
  })
  const app = appFor(
    baseConfig({
      defaults: { incoming: [plain('imap', 143)], outgoing: [plain('smtp', 25)] },
      domains: [{ name: 'test.example', dav: { carddavUrl: 'https://dav.test.example/card/' } }],
    }),
  )
  const { response, page } = await pageOf(app, '/', 'test.example')
  t.equal(response.statusCode, 200)
  t.same(page.headings, ['Calendars and contacts (CalDAV and CardDAV)', 'iPhone, iPad and Mac'])
  t.equal(pairsOf(page, 'CalDAV and CardDAV settings').Username, 'your full email address')
})

t.test('internationalised domains are shown in Unicode', async (t) => {
  const app = appFor(baseConfig({ domains: [{ name: 'bücher.example' }] }))
  const { page } = await pageOf(app, '/', 'xn--bcher-kva.example')
  t.equal(page.h1, 'Email settings for bücher.example')
  const personal = await pageOf(app, '/setup?email=anna@B%C3%BCcher.example')
  t.equal(rowsOf(personal.page, 'IMAP account settings')[0]?.Username, 'anna@xn--bcher-kva.example')
})

t.test('hostile values from the config and the request are escaped everywhere', async (t) => {
  const hostileName = `<script>alert("n")</script> & 'Co'`
  const app = appFor(
    baseConfig({
      provider: {
        id: 'mail.test.example',
        name: hostileName,
        shortName: 'x',
        documentationUrl: 'https://help.test.example/?a="><script>alert(1)</script>',
      },
      domains: [{ name: 'test.example', webmail: "https://web.test.example/'onmouseover='alert(1)" }],
    }),
  )
  const address = `"><script>alert(2)</script>'@test.example`
  const { response, page } = await pageOf(app, `/setup?email=${encodeURIComponent(address)}`)
  t.equal(response.statusCode, 200)
  t.notOk(/<script/i.test(response.body), 'no script element')
  t.notOk(/\sonmouseover=/i.test(response.body), 'no injected attribute')
  t.equal(page.form.inputValue, address, 'the form shows the address exactly as typed')
  t.equal(rowsOf(page, 'IMAP account settings')[0]?.Username, address)
  t.match(page.text, `at ${hostileName}.`)
  t.equal(page.title, `Email settings for test.example – ${hostileName}`)
  const profile = page.links.find((l) => l.href.startsWith('/email.mobileconfig'))
  t.equal(profile?.href, `/email.mobileconfig?email=${encodeURIComponent(address)}`)
  const control = await pageOf(app, '/setup?email=a%01b@test.example')
  t.equal(control.response.statusCode, 400, 'control characters are refused before rendering')
  t.notOk(control.response.body.includes('\u0001'), 'and never echoed raw')
})

t.test('an unknown domain gets a friendly 404 page', async (t) => {
  const byHost = await pageOf(bundled, '/', 'www.not-hosted.example')
  t.equal(byHost.response.statusCode, 404)
  t.equal(byHost.response.headers['content-type'], 'text/html; charset=utf-8')
  t.ok(byHost.response.headers['content-security-policy'])
  t.equal(byHost.page.h1, 'No email settings for this domain')
  t.match(byHost.page.text, /no email settings for this site/)
  t.equal(byHost.page.form.inputValue, '', 'the form is there to try an address')
  const byAddress = await pageOf(bundled, '/setup?email=zoe@not-hosted.example', 'example.com')
  t.equal(byAddress.response.statusCode, 404)
  t.equal(byAddress.response.headers['cache-control'], 'no-store')
  t.match(byAddress.page.text, /no email settings for that address/)
  t.equal(byAddress.page.form.inputValue, 'zoe@not-hosted.example')
})

t.test('a malformed address gets a 400 page with the reason and the typed value', async (t) => {
  const { response, page } = await pageOf(bundled, '/setup?email=no-at-sign', 'example.com')
  t.equal(response.statusCode, 400)
  t.equal(page.h1, 'That email address does not look right')
  t.match(page.text, /The email address must look like name@domain\./)
  t.equal(page.form.inputValue, 'no-at-sign')
})

t.test('an empty form submission shows the domain page', async (t) => {
  const { response, page } = await pageOf(bundled, '/setup?email=', 'example.com')
  t.equal(response.statusCode, 200)
  t.equal(page.h1, 'Email settings for example.com')
  const head = await bundled.inject({ method: 'HEAD', url: '/', headers: { host: 'example.com' } })
  t.equal(head.statusCode, 200)
  t.equal(head.body, '')
})

t.test('autoconfig paths never answer HTML, on any host', async (t) => {
  for (const path of AUTOCONFIG_PATHS) {
    for (const host of ['example.com', 'www.not-hosted.example']) {
      const response = await bundled.inject({ url: path, headers: { host } })
      const type = String(response.headers['content-type'])
      t.notOk(type.startsWith('text/html'), `${host}${path}: ${response.statusCode} ${type}`)
      t.ok(response.statusCode === 200 || response.statusCode === 404)
    }
  }
})

t.test('the address is never written to the request log', async (t) => {
  const lines: string[] = []
  const stream = { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream
  const app = appFor(readFileSync(BUNDLED_CONFIG, 'utf8'), stream)
  await app.inject({ url: '/setup?email=secret.person@example.com' })
  await app.inject({ url: '/setup?email=secret.person@not-hosted.example' })
  t.ok(lines.some((l) => l.includes('"path":"/setup"')))
  t.notOk(lines.some((l) => l.includes('secret.person')))
})
