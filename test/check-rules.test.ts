// The client rules of `mailsetup check`, fed answers that break them one at a time.
import t from 'tap'
import { thunderbird, thunderbirdAndroid } from '../src/check/autoconfig-families.js'
import { isMissingRoute } from '../src/check/findings.js'
import type { CheckResponse } from '../src/check/types.js'
import { parseAddress } from '../src/common/address.js'

const address = (parseAddress('alice@example.com') as { ok: true; value: never }).value
const XML = { 'content-type': 'application/xml; charset=utf-8' }

function server(tag: string, type: string, fields: Record<string, string | string[]>): string {
  const children = Object.entries(fields)
    .flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((v) => `<${name}>${v}</${name}>`),
    )
    .join('')
  return `<${tag} type="${type}">${children}</${tag}>`
}

const good = {
  hostname: 'imap.example.com',
  port: '993',
  socketType: 'SSL',
  authentication: ['password-cleartext'],
  username: '%EMAILADDRESS%',
}
const smtp = server('outgoingServer', 'smtp', { ...good, hostname: 'smtp.example.com', port: '465' })

function config(servers: string, id = 'mail.example.com'): CheckResponse {
  return {
    status: 200,
    headers: XML,
    body: `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="${id}"><domain>example.com</domain>${servers}</emailProvider></clientConfig>`,
  }
}

t.test('a good document passes both and names the servers they use', async (t) => {
  const pop = server('incomingServer', 'pop3', { ...good, hostname: 'pop.example.com', port: '995' })
  const doc = config(pop + server('incomingServer', 'imap', good) + smtp)
  const tb = thunderbird.judge(doc, address)
  t.equal(tb.verdict, 'pass', tb.problems.join('; '))
  t.same(
    tb.servers.map((s) => [s.role, s.server, s.port, s.security, s.username]),
    [
      ['incoming IMAP', 'imap.example.com', 993, 'SSL/TLS', '%EMAILADDRESS%'],
      ['outgoing SMTP', 'smtp.example.com', 465, 'SSL/TLS', '%EMAILADDRESS%'],
    ],
    'Thunderbird prefers IMAP wherever it is',
  )
  t.equal(thunderbirdAndroid.judge(doc, address).verdict, 'pass')
  const popOnly = thunderbird.judge(config(pop + smtp), address)
  t.equal(popOnly.servers[0]?.role, 'incoming POP3', 'Thunderbird falls back to POP3')
  t.match(thunderbirdAndroid.judge(config(pop + smtp), address).problems, [
    'no IMAP server (K-9 sets up IMAP)',
  ])
})

t.test('the HTTP answer itself', async (t) => {
  const notFound = {
    status: 404,
    headers: { 'content-type': 'text/plain' },
    body: 'this domain is not hosted here\n',
  }
  t.match(thunderbird.judge(notFound, address).problems, [/status 404, not 200 \(Thunderbird\): this domain/])
  const html = { ...config(smtp), headers: { 'content-type': 'text/html' } }
  t.match(thunderbirdAndroid.judge(html, address).problems, [/Content-Type "text\/html"/])
  const noType = { ...config(smtp), headers: {} }
  t.match(thunderbird.judge(noType, address).problems, [/Content-Type ""/])
  const bom = { ...config(server('incomingServer', 'imap', good) + smtp) }
  const withBom = thunderbird.judge({ ...bom, body: `\ufeff${bom.body}` }, address)
  t.match(withBom.problems, ['something precedes <?xml (Thunderbird)'])
  const broken = thunderbird.judge(
    { ...bom, body: '<?xml version="1.0"?><clientConfig><x></clientConfig>' },
    address,
  )
  t.match(broken.problems, ['the document is not well-formed XML', 'no clientConfig/emailProvider element'])
  const other = thunderbird.judge({ ...bom, body: '<?xml version="1.0"?><html><p>hi</p></html>' }, address)
  t.same(other.problems, ['no clientConfig/emailProvider element'])
  t.equal(other.verdict, 'fail')
})

t.test('server rules', async (t) => {
  const bad = server('incomingServer', 'imap', {
    hostname: '%EMAILDOMAIN%',
    port: ' 993',
    socketType: 'plain',
    authentication: ['OAuth2', 'secure'],
    username: '',
  })
  const tb = thunderbird.judge(config(bad), address)
  t.same(tb.problems, [
    'imap server %EMAILDOMAIN%: hostname "%EMAILDOMAIN%" is not a bare host name (Thunderbird)',
    'imap server %EMAILDOMAIN%: port " 993" is not a bare number (Thunderbird)',
    'imap server %EMAILDOMAIN%: socketType "plain" (Thunderbird wants SSL or STARTTLS)',
    'imap server %EMAILDOMAIN%: no username (Thunderbird)',
    'no outgoing server Thunderbird can use',
  ])
  t.equal(tb.servers[0]?.security, 'none')
  const oauthOnly = server('incomingServer', 'imap', { ...good, authentication: ['OAuth2'] })
  t.match(thunderbird.judge(config(oauthOnly + smtp), address).problems, [/OAuth2 only/])
  const k9 = thunderbirdAndroid.judge(config(bad + smtp, '%EMAILDOMAIN%'), address)
  t.match(k9.problems, [
    'emailProvider id "%EMAILDOMAIN%" is not a host name (K-9)',
    /hostname/,
    /port/,
    /socketType "plain" \(K-9/,
    /no username/,
    'imap server %EMAILDOMAIN%: authentication "secure" (K-9)',
  ])
  const noId = config(server('incomingServer', 'imap', good) + smtp).body.replace(
    ' id="mail.example.com"',
    '',
  )
  t.match(thunderbirdAndroid.judge({ status: 200, headers: XML, body: noId }, address).problems, [
    'emailProvider id "" is not a host name (K-9)',
  ])
  const nested = server('incomingServer', 'imap', { ...good, pop3: '<hostname>x</hostname>' })
  t.match(thunderbirdAndroid.judge(config(nested + smtp), address).problems, [/nested deeper/])
  const missing = config('<incomingServer type="imap"></incomingServer>')
  t.match(thunderbirdAndroid.judge(missing, address).problems, [
    /hostname ""/,
    /port ""/,
    /socketType ""/,
    /no username/,
    /nested/,
    'no SMTP server (K-9)',
  ])
  const noType = config('<incomingServer><hostname>imap.example.com</hostname></incomingServer>')
  t.match(thunderbird.judge(noType, address).problems, ['no incoming server Thunderbird can use'])
})

t.test('a path the service has no route for is told apart from an unknown domain', async (t) => {
  t.ok(isMissingRoute({ status: 404, headers: {}, body: 'not found\n' }))
  t.notOk(isMissingRoute({ status: 404, headers: {}, body: 'this domain is not hosted here\n' }))
  t.notOk(isMissingRoute({ status: 200, headers: {}, body: 'not found\n' }))
})
