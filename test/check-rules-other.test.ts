// The Outlook, Outlook JSON, ActiveSync and Apple rules of `mailsetup check`, fed answers built from
// CLIENTS.md §2–3 that break them one at a time.
import t from 'tap'
import { apple } from '../src/check/apple-family.js'
import { activeSync, outlook } from '../src/check/autodiscover-families.js'
import { outlookJson } from '../src/check/autodiscover-json-family.js'
import { readPlist } from '../src/check/plist.js'
import type { CheckResponse } from '../src/check/types.js'
import { parseAddress } from '../src/common/address.js'
import { parseXml } from './helpers/xml.js'

const address = (parseAddress(`o'neil&co@example.com`) as { ok: true; value: never }).value
const XML = { 'content-type': 'text/xml; charset=utf-8' }
const NS = 'http://schemas.microsoft.com/exchange/autodiscover'

function pox(inner: string, schema = 'outlook/responseschema/2006a'): CheckResponse {
  return {
    status: 200,
    headers: XML,
    body: `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${NS}/responseschema/2006"><Response xmlns="${NS}/${schema}">${inner}</Response></Autodiscover>`,
  }
}

const protocol = (fields: Record<string, string>) =>
  `<Protocol>${Object.entries(fields)
    .map(([k, v]) => `<${k}>${v}</${k}>`)
    .join('')}</Protocol>`
const imap = {
  Type: 'IMAP',
  Server: 'imap.example.com',
  Port: '993',
  LoginName: 'a@example.com',
  SPA: 'off',
  SSL: 'on',
  Encryption: 'SSL',
}
const smtp = { ...imap, Type: 'SMTP', Server: 'smtp.example.com', Port: '587', Encryption: 'TLS' }
const account = (protocols: string, action = 'settings') =>
  pox(`<Account><AccountType>email</AccountType><Action>${action}</Action>${protocols}</Account>`)

t.test('the POX requests carry the address escaped and the schema each client accepts', async (t) => {
  for (const [family, schema] of [
    [outlook, 'outlook/responseschema/2006a'],
    [activeSync, 'mobilesync/responseschema/2006'],
  ] as const) {
    const request = family.request(address)
    t.equal(request.method, 'POST')
    t.equal(request.host, 'autodiscover.example.com')
    t.equal(request.path, '/autodiscover/autodiscover.xml')
    const body = parseXml(request.body as string).Autodiscover as { Request: Record<string, string> }
    t.equal(body.Request.EMailAddress, `o'neil&co@example.com`)
    t.equal(body.Request.AcceptableResponseSchema, `${NS}/${schema}`)
  }
  t.equal(
    outlookJson.request(address).path,
    "/autodiscover/autodiscover.json?Email=o'neil%26co%40example.com&Protocol=AutodiscoverV1&RedirectCount=1",
  )
  t.equal(apple.request(address).path, "/email.mobileconfig?email=o'neil%26co%40example.com")
})

t.test('Outlook: a good answer, in the order Thunderbird needs', async (t) => {
  const exch = protocol({
    Type: 'EXCH',
    Server: 'outlook.example.com',
    EwsUrl: 'https://outlook.example.com/EWS/Exchange.asmx',
  })
  const mapi = '<Protocol Type="mapiHttp" Version="1"><MailStore/></Protocol>'
  const good = outlook.judge(account(exch + mapi + protocol(imap) + protocol(smtp)), address)
  t.equal(good.verdict, 'pass', good.problems.join('; '))
  t.same(
    good.servers.map((s) => [s.role, s.server, s.port, s.security, s.username]),
    [
      [
        'Exchange EXCH',
        'outlook.example.com (EWS https://outlook.example.com/EWS/Exchange.asmx)',
        undefined,
        undefined,
        undefined,
      ],
      ['incoming IMAP', 'imap.example.com', 993, 'SSL/TLS', 'a@example.com'],
      ['outgoing SMTP', 'smtp.example.com', 587, 'STARTTLS', 'a@example.com'],
    ],
  )
  const late = outlook.judge(account(protocol(imap) + protocol({ Type: 'WEB' }) + protocol(smtp)), address)
  t.match(late.problems, ['EXCH or WEB after IMAP: Thunderbird overwrites the IMAP server it chose'])
})

t.test('Outlook: broken protocols, errors, redirects', async (t) => {
  const bad = protocol({ Type: 'IMAP', SPA: 'on', SSL: 'off' })
  const judged = outlook.judge(account(bad + protocol({ Type: 'POP' }), 'bogus'), address)
  t.same(judged.problems, [
    'Action "bogus", not settings',
    'IMAP: no Server (Outlook)',
    'IMAP : Port "" (Thunderbird requires a number)',
    'IMAP : empty LoginName (Thunderbird)',
    'IMAP : SPA on would make Outlook try NTLM/Kerberos',
    'IMAP : Encryption "None", not SSL or TLS',
    'Type POP: Outlook knows only POP3',
  ])
  t.equal(judged.servers[0]?.security, 'none')
  const sslOn = outlook.judge(
    account(protocol({ ...imap, Encryption: '' }).replace('<Encryption></Encryption>', '')),
    address,
  )
  t.equal(sslOn.servers[0]?.security, 'SSL/TLS', 'SSL on without Encryption is implicit TLS')
  const odd = outlook.judge(account(protocol({ ...imap, Encryption: 'Weird' })), address)
  t.equal(odd.servers[0]?.security, 'Weird')
  t.same(
    outlook.judge(account(`<Protocol><Server>x</Server></Protocol>${protocol(smtp)}`), address).servers
      .length,
    1,
  )
  t.match(outlook.judge(account(protocol({ Type: 'WEB' })), address).problems, [
    /no IMAP, POP3, SMTP or EXCH/,
  ])
  const error = pox(
    '<Error Time="1" Id="2"><ErrorCode>500</ErrorCode><Message>The email address can not be found.</Message></Error>',
  )
  t.same(outlook.judge(error, address).problems, [
    'error 500: The email address can not be found. (Outlook stops)',
  ])
  const noMessage = pox('<Error><ErrorCode>603</ErrorCode></Error>')
  t.same(outlook.judge(noMessage, address).problems, ['error 603:  (Outlook stops)'])
  for (const redirect of [
    '<RedirectAddr>b@other.example</RedirectAddr>',
    '<RedirectUrl>https://x.example/a</RedirectUrl>',
  ]) {
    const answer = outlook.judge(account(redirect, 'redirectAddr'), address)
    t.equal(answer.verdict, 'pass')
    t.match(answer.notes, [/^redirects to /])
  }
  const html = outlook.judge(
    { status: 200, headers: { 'content-type': 'text/html' }, body: '<html/>' },
    address,
  )
  t.match(html.problems, [/Content-Type "text\/html", not text\/xml or application\/xml \(Outlook\)/])
})

t.test('ActiveSync: the MobileSync URL, or an honest "not offered"', async (t) => {
  const server = (url: string) =>
    `<Culture>en:us</Culture><User><EMailAddress>a@example.com</EMailAddress></User><Action><Settings><Server><Type>MobileSync</Type><Url>${url}</Url></Server></Settings></Action>`
  const ms = 'mobilesync/responseschema/2006'
  const good = activeSync.judge(
    pox(server('https://eas.example.com/Microsoft-Server-ActiveSync'), ms),
    address,
  )
  t.equal(good.verdict, 'pass')
  t.same(good.servers, [
    {
      role: 'ActiveSync',
      server: 'https://eas.example.com/Microsoft-Server-ActiveSync',
      username: 'a@example.com',
    },
  ])
  t.match(activeSync.judge(pox(server('http://eas.example.com/x'), ms), address).problems, [/is not https/])
  t.match(activeSync.judge(pox('<Action><Settings/></Action>', ms), address).problems, [
    'no MobileSync server in Action/Settings',
  ])
  const redirect = activeSync.judge(pox('<Action><Redirect>b@other.example</Redirect></Action>', ms), address)
  t.same([redirect.verdict, redirect.notes], ['pass', ['redirects to b@other.example (not followed here)']])
  const none = activeSync.judge(
    pox('<Action><Error><ErrorCode>601</ErrorCode></Error></Action>', ms),
    address,
  )
  t.same([none.verdict, none.notes], ['unavailable', ['no ActiveSync for example.com (error 601)']])
  const failed = activeSync.judge(
    pox('<Error><ErrorCode>600</ErrorCode><Message>Invalid Request</Message></Error>'),
    address,
  )
  t.same(failed.problems, ['error 600: Invalid Request'])
  t.match(activeSync.judge({ status: 500, headers: {}, body: 'oops' }, address).problems, [
    /status 500, not 200 \(ActiveSync\): oops/,
  ])
})

t.test('Outlook JSON v2', async (t) => {
  const json = (body: string, status = 200): CheckResponse => ({
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body,
  })
  const good = outlookJson.judge(
    json(
      '{"Protocol":"AutodiscoverV1","Url":"https://autodiscover.example.com/autodiscover/autodiscover.xml"}',
    ),
    address,
  )
  t.equal(good.verdict, 'pass')
  t.same(good.servers, [
    { role: 'Autodiscover URL', server: 'https://autodiscover.example.com/autodiscover/autodiscover.xml' },
  ])
  t.same(outlookJson.judge(json('{"Protocol":"Ews","Url":"http://x.example/EWS"}'), address).problems, [
    'Protocol "Ews", not AutodiscoverV1',
    'Url "http://x.example/EWS" is not https (Outlook refuses it)',
    'Url "http://x.example/EWS" is not an /autodiscover/autodiscover.xml endpoint',
  ])
  t.match(outlookJson.judge(json('{}'), address).problems, [
    'Protocol "", not AutodiscoverV1',
    /Url ""/,
    /Url ""/,
  ])
  t.same(outlookJson.judge(json('[1]'), address).problems, ['the answer is not a JSON object'])
  t.same(outlookJson.judge(json('{oops'), address).problems, ['the answer is not a JSON object'])
  t.match(outlookJson.judge(json('{"ErrorCode":"InvalidProtocol"}', 400), address).problems, [
    /status 400, not 200 \(Outlook\)/,
  ])
})

const plist = (dict: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n${dict}\n</plist>\n`
const entries = (pairs: Record<string, string>) =>
  `<dict>\n${Object.entries(pairs)
    .map(([k, v]) => `  <key>${k}</key>\n  ${v}`)
    .join('\n')}\n</dict>`
const str = (s: string) => `<string>${s}</string>`
const int = (n: number | string) => `<integer>${n}</integer>`
const common = (type: string, n: number) => ({
  PayloadType: str(type),
  PayloadVersion: int(1),
  PayloadIdentifier: str(`com.example.${n}`),
  PayloadUUID: str(`0000000${n}-0000-5000-8000-000000000000`),
})
const mailPayload = {
  ...common('com.apple.mail.managed', 1),
  EmailAccountType: str('EmailTypeIMAP'),
  IncomingMailServerHostName: str('imap.example.com'),
  IncomingMailServerPortNumber: int(993),
  IncomingMailServerUseSSL: '<true/>',
  IncomingMailServerUsername: str('a@example.com'),
  OutgoingMailServerHostName: str('smtp.example.com'),
  OutgoingMailServerPortNumber: int(465),
  OutgoingMailServerUseSSL: '<true/>',
  OutgoingMailServerUsername: str('a@example.com'),
  OutgoingPasswordSameAsIncomingPassword: '<true/>',
}
const davPayload = (kind: 'CalDAV' | 'CardDAV', n: number) => ({
  ...common(`com.apple.${kind.toLowerCase()}.account`, n),
  [`${kind}HostName`]: str('dav.example.com'),
  [`${kind}Port`]: int(443),
  [`${kind}UseSSL`]: '<true/>',
  [`${kind}Username`]: str('a@example.com'),
})
function profile(payloads: Record<string, string>[], top: Record<string, string> = {}): string {
  return plist(
    entries({
      ...common('Configuration', 9),
      PayloadContent: `<array>${payloads.map(entries).join('\n')}</array>`,
      ...top,
    }),
  )
}
const APPLE = {
  'content-type': 'application/x-apple-aspen-config',
  'content-disposition': 'attachment; filename="example.com.mobileconfig"',
}

t.test('Apple: a good profile, unsigned and signed', async (t) => {
  const body = profile([
    mailPayload,
    davPayload('CalDAV', 2),
    davPayload('CardDAV', 3),
    { ...common('com.apple.other', 4) },
  ])
  const good = apple.judge({ status: 200, headers: APPLE, body }, address)
  t.equal(good.verdict, 'pass', good.problems.join('; '))
  t.same(
    good.servers.map((s) => [s.role, s.server, s.port, s.security, s.username]),
    [
      ['incoming IMAP', 'imap.example.com', 993, 'SSL/TLS or STARTTLS', 'a@example.com'],
      ['outgoing SMTP', 'smtp.example.com', 465, 'SSL/TLS or STARTTLS', 'a@example.com'],
      ['CalDAV', 'dav.example.com', 443, 'SSL/TLS', 'a@example.com'],
      ['CardDAV', 'dav.example.com', 443, 'SSL/TLS', 'a@example.com'],
    ],
  )
  t.same(good.notes, ['unsigned: shows as "Not Verified" when installed'])
  const signed = apple.judge(
    { status: 200, headers: APPLE, body: `0\u0082\u0010\u0006${body}\u00a0\u0082sig` },
    address,
  )
  t.same([signed.verdict, signed.notes], ['pass', ['signed (CMS)']])
  const eas = apple.judge(
    {
      status: 200,
      headers: APPLE,
      body: profile([
        {
          ...common('com.apple.eas.account', 5),
          Host: str('eas.example.com'),
          UserName: str('a@example.com'),
        },
      ]),
    },
    address,
  )
  t.same(eas.servers, [{ role: 'Exchange ActiveSync', server: 'eas.example.com', username: 'a@example.com' }])
  const pop = apple.judge(
    {
      status: 200,
      headers: APPLE,
      body: profile([{ ...mailPayload, EmailAccountType: str('EmailTypePOP') }]),
    },
    address,
  )
  t.equal(pop.servers[0]?.role, 'incoming POP3')
})

t.test('Apple: what iOS refuses', async (t) => {
  const judge = (body: string, headers: Record<string, string> = APPLE) =>
    apple.judge({ status: 200, headers, body }, address).problems
  t.match(judge(profile([mailPayload]), { 'content-type': 'application/x-apple-aspen-config' }), [
    /Content-Disposition/,
  ])
  t.match(judge(profile([mailPayload]), { 'content-type': 'text/plain' }), [/Content-Type "text\/plain"/])
  t.same(judge('not a plist'), [
    'no XML property list in the answer',
    'the profile is not a property list with a top-level dict',
  ])
  t.same(judge('<?xml version="1.0"?><plist><array></plist>'), [
    'the profile is not a property list with a top-level dict',
  ])
  t.same(judge(plist('<array><string>x</string></array>')), [
    'the profile is not a property list with a top-level dict',
  ])
  const broken = {
    ...mailPayload,
    PayloadUUID: str('nope'),
    PayloadVersion: int(2),
    PayloadIdentifier: str(''),
    EmailAccountType: str('EmailTypeExchange'),
    IncomingMailServerHostName: str(''),
    IncomingMailServerPortNumber: '<integer/>',
    IncomingMailServerUseSSL: '<false/>',
    IncomingPassword: str('secret'),
  }
  t.same(judge(profile([broken], { PayloadType: str('Other') })), [
    'PayloadType "Other", not Configuration',
    'payload 0 (com.apple.mail.managed): no PayloadIdentifier',
    'payload 0 (com.apple.mail.managed): PayloadUUID "nope" is not a UUID',
    'payload 0 (com.apple.mail.managed): PayloadVersion is not the integer 1',
    'payload 0 (com.apple.mail.managed): IncomingMailServerPortNumber is an empty or broken number (iOS refuses the profile)',
    'payload 0 (com.apple.mail.managed): IncomingPassword embeds a password',
    'EmailAccountType "EmailTypeExchange"',
    'IncomingMailServerHostName is missing',
    'IncomingMailServerPortNumber is not an integer',
    'IncomingMailServerUseSSL is not true: the password would travel in clear',
  ])
  const { IncomingMailServerHostName: _h, IncomingMailServerUsername: _u, ...keysMissing } = mailPayload
  const missing = apple.judge({ status: 200, headers: APPLE, body: profile([keysMissing]) }, address)
  t.same([missing.servers[0]?.server, missing.servers[0]?.username], ['', ''])
  t.match(missing.problems, ['IncomingMailServerHostName is missing'])
  const plainDav = apple.judge(
    {
      status: 200,
      headers: APPLE,
      body: profile([{ ...davPayload('CalDAV', 2), CalDAVUseSSL: '<false/>' }]),
    },
    address,
  )
  t.equal(plainDav.servers[0]?.security, 'none')
  const empty = {
    PayloadType: str('Configuration'),
    PayloadVersion: int(1),
    PayloadUUID: str('00000000-0000-5000-8000-000000000000'),
  }
  t.same(judge(plist(entries(empty))), ['profile: no PayloadIdentifier', 'PayloadContent holds no payload'])
  t.match(
    judge(
      plist(
        entries({
          ...empty,
          PayloadIdentifier: str('x'),
          PayloadContent: '<array><string>x</string></array>',
        }),
      ),
    ),
    ['PayloadContent holds no payload'],
  )
})

t.test('plist reading', async (t) => {
  t.same(
    readPlist(
      plist(
        '<dict><key>a</key><real>1.5</real><key>b</key><integer>-3</integer><key>c</key><false/><key>odd</key></dict>',
      ),
    ),
    {
      a: 1.5,
      b: -3,
      c: false,
    },
  )
  t.equal(readPlist(plist('<string>a<x/>b</string>')), 'ab', 'stray elements inside a string are skipped')
  t.equal(readPlist('<?xml version="1.0"?><other/>'), undefined)
  t.equal(readPlist('<?xml version="1.0"?><plist version="1.0"></plist>'), undefined)
  t.ok(Number.isNaN(readPlist(plist('<integer>12a</integer>'))))
  t.equal(readPlist(plist('<date>2026-01-01T00:00:00Z</date>')), '2026-01-01T00:00:00Z')
})
