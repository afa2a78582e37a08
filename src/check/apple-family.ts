// iPhone, iPad and Mac installing the configuration profile from the setup page: CLIENTS.md §3.
import { Findings, expectDocument } from './findings.js'
import { type PlistValue, readPlist } from './plist.js'
import type { CheckResponse, ClientFamily, Judgement } from './types.js'

type Dict = Record<string, PlistValue>

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i
const PASSWORD_KEYS = ['IncomingPassword', 'OutgoingPassword', 'Password']

function isDict(value: PlistValue | undefined): value is Dict {
  return typeof value === 'object' && !Array.isArray(value)
}

/** The XML inside the answer: the whole body, or the content a CMS signature (DER) encapsulates. */
function plistText(body: string, findings: Findings): string | undefined {
  const start = body.indexOf('<?xml')
  const end = body.lastIndexOf('</plist>')
  if (!findings.expect(start !== -1 && end > start, 'no XML property list in the answer')) return undefined
  findings.notes.push(start === 0 ? 'unsigned: shows as "Not Verified" when installed' : 'signed (CMS)')
  return body.slice(start, end + '</plist>'.length)
}

/** Keys every payload needs; integers must be numbers, never empty (iOS refuses the whole profile). */
function expectPayload(findings: Findings, payload: Dict, where: string): void {
  for (const key of ['PayloadType', 'PayloadIdentifier'])
    findings.expect(typeof payload[key] === 'string' && payload[key] !== '', `${where}: no ${key}`)
  findings.expect(
    UUID.test(String(payload.PayloadUUID)),
    `${where}: PayloadUUID "${payload.PayloadUUID}" is not a UUID`,
  )
  findings.expect(payload.PayloadVersion === 1, `${where}: PayloadVersion is not the integer 1`)
  for (const [key, value] of Object.entries(payload)) {
    findings.expect(
      !Number.isNaN(value),
      `${where}: ${key} is an empty or broken number (iOS refuses the profile)`,
    )
    findings.expect(!PASSWORD_KEYS.includes(key), `${where}: ${key} embeds a password`)
  }
}

function mailServer(findings: Findings, mail: Dict, direction: 'Incoming' | 'Outgoing'): void {
  const key = (name: string) => mail[`${direction}MailServer${name}`]
  const host = String(key('HostName') ?? '')
  const protocol =
    direction === 'Outgoing' ? 'SMTP' : mail.EmailAccountType === 'EmailTypePOP' ? 'POP3' : 'IMAP'
  findings.servers.push({
    role: `${direction.toLowerCase()} ${protocol}`,
    server: host,
    port: Number(key('PortNumber')),
    // Apple's one flag covers both SSL/TLS and STARTTLS.
    security: key('UseSSL') === true ? 'SSL/TLS or STARTTLS' : 'none',
    username: String(key('Username') ?? ''),
  })
  findings.expect(host !== '', `${direction}MailServerHostName is missing`)
  findings.expect(Number.isInteger(key('PortNumber')), `${direction}MailServerPortNumber is not an integer`)
  findings.expect(
    key('UseSSL') === true,
    `${direction}MailServerUseSSL is not true: the password would travel in clear`,
  )
}

function summarise(findings: Findings, payload: Dict): void {
  const type = String(payload.PayloadType)
  if (type === 'com.apple.mail.managed') {
    findings.expect(
      payload.EmailAccountType === 'EmailTypeIMAP' || payload.EmailAccountType === 'EmailTypePOP',
      `EmailAccountType "${payload.EmailAccountType}"`,
    )
    mailServer(findings, payload, 'Incoming')
    mailServer(findings, payload, 'Outgoing')
  } else if (type === 'com.apple.caldav.account' || type === 'com.apple.carddav.account') {
    const prefix = type === 'com.apple.caldav.account' ? 'CalDAV' : 'CardDAV'
    findings.servers.push({
      role: prefix,
      server: String(payload[`${prefix}HostName`]),
      port: Number(payload[`${prefix}Port`]),
      security: payload[`${prefix}UseSSL`] === true ? 'SSL/TLS' : 'none',
      username: String(payload[`${prefix}Username`]),
    })
  } else if (type === 'com.apple.eas.account') {
    findings.servers.push({
      role: 'Exchange ActiveSync',
      server: String(payload.Host),
      username: String(payload.UserName),
    })
  }
}

function judgeApple(response: CheckResponse): Judgement {
  const findings = new Findings()
  const client = 'Apple'
  if (!expectDocument(response, findings, { types: ['application/x-apple-aspen-config'], client }))
    return findings.judgement()
  findings.expect(
    /^attachment;.*filename="?[^"]+\.mobileconfig"?/.test(response.headers['content-disposition'] ?? ''),
    'Content-Disposition is not an attachment named *.mobileconfig (Safari would show it instead)',
  )
  const xml = plistText(response.body, findings)
  const top = xml === undefined ? undefined : readPlist(xml)
  if (!findings.expect(isDict(top), 'the profile is not a property list with a top-level dict'))
    return findings.judgement()
  const profile = top as Dict
  findings.expect(
    profile.PayloadType === 'Configuration',
    `PayloadType "${profile.PayloadType}", not Configuration`,
  )
  expectPayload(findings, profile, 'profile')
  const payloads = Array.isArray(profile.PayloadContent) ? profile.PayloadContent.filter(isDict) : []
  findings.expect(payloads.length > 0, 'PayloadContent holds no payload')
  for (const [i, payload] of payloads.entries()) {
    expectPayload(findings, payload, `payload ${i} (${payload.PayloadType})`)
    summarise(findings, payload)
  }
  return findings.judgement()
}

export const apple: ClientFamily = {
  name: 'Apple',
  request: (address) => ({
    method: 'GET',
    host: `autoconfig.${address.domain}`,
    path: `/email.mobileconfig?email=${encodeURIComponent(address.address)}`,
  }),
  judge: judgeApple,
}
