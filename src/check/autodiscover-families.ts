// Outlook and ActiveSync devices reading POX Autodiscover: CLIENTS.md §2, MS-OXDSCLI, MS-ASCMD.
import type { EmailAddress } from '../common/address.js'
import { escapeXml } from '../render/xml.js'
import { Findings, child, expectDocument, list, parseXml, text, unavailable } from './findings.js'
import type { CheckRequest, CheckResponse, ClientFamily, Judgement } from './types.js'

const SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover'
const OUTLOOK_SCHEMA = `${SCHEMA}/outlook/responseschema/2006a`
const MOBILESYNC_SCHEMA = `${SCHEMA}/mobilesync/responseschema/2006`
const XML_TYPES = ['text/xml', 'application/xml']
const ENCRYPTION: Record<string, string> = { SSL: 'SSL/TLS', TLS: 'STARTTLS', None: 'none', Auto: 'auto' }
const MAIL_TYPES = new Set(['IMAP', 'POP3', 'SMTP'])

export const POX_PATH = '/autodiscover/autodiscover.xml'

/** The request body Outlook and ActiveSync devices POST, naming the response schema they accept. */
function poxRequest(address: EmailAddress, schema: string): CheckRequest {
  const body = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="${SCHEMA}/outlook/requestschema/2006"><Request><EMailAddress>${escapeXml(address.address)}</EMailAddress><AcceptableResponseSchema>${schema}</AcceptableResponseSchema></Request></Autodiscover>`
  return {
    method: 'POST',
    host: `autodiscover.${address.domain}`,
    path: POX_PATH,
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    body,
  }
}

/** Reads Autodiscover/Response; an Error inside it is recorded (Outlook stops there). */
function readResponse(response: CheckResponse, findings: Findings, client: string, arrays: string[]) {
  if (!expectDocument(response, findings, { types: XML_TYPES, client })) return undefined
  const doc = parseXml(response.body, findings, arrays)
  const answer = child(child(doc, 'Autodiscover'), 'Response')
  const error = { ...child(answer, 'Error'), ...child(child(answer, 'Action'), 'Error') }
  return { answer, errorCode: text(error, 'ErrorCode'), errorMessage: text(error, 'Message') ?? '' }
}

function mailProtocol(findings: Findings, p: Record<string, unknown>, type: string): void {
  const server = text(p, 'Server') ?? ''
  const port = text(p, 'Port') ?? ''
  const encryption = text(p, 'Encryption') ?? (text(p, 'SSL') === 'on' ? 'SSL' : 'None')
  const loginName = text(p, 'LoginName') ?? ''
  findings.servers.push({
    role: `${type === 'SMTP' ? 'outgoing' : 'incoming'} ${type}`,
    server,
    port: Number(port),
    security: ENCRYPTION[encryption] ?? encryption,
    username: loginName,
  })
  const where = `${type} ${server}`
  findings.expect(server !== '', `${type}: no Server (Outlook)`)
  findings.expect(/^\d{1,5}$/.test(port), `${where}: Port "${port}" (Thunderbird requires a number)`)
  findings.expect(loginName !== '', `${where}: empty LoginName (Thunderbird)`)
  findings.expect(text(p, 'SPA') !== 'on', `${where}: SPA on would make Outlook try NTLM/Kerberos`)
  findings.expect(
    encryption === 'SSL' || encryption === 'TLS',
    `${where}: Encryption "${encryption}", not SSL or TLS`,
  )
}

/** Outlook: the Account's Protocols in order; Thunderbird and FairEmail read the same document. */
function judgeOutlook(response: CheckResponse): Judgement {
  const findings = new Findings()
  const read = readResponse(response, findings, 'Outlook', ['Protocol'])
  if (read === undefined) return findings.judgement()
  if (
    !findings.expect(
      read.errorCode === undefined,
      `error ${read.errorCode}: ${read.errorMessage} (Outlook stops)`,
    )
  )
    return findings.judgement()
  const account = child(read.answer, 'Account')
  const redirect = text(account, 'RedirectAddr') ?? text(account, 'RedirectUrl')
  if (redirect !== undefined) {
    findings.notes.push(`redirects to ${redirect} (Outlook follows up to 10 hops; not followed here)`)
    return findings.judgement()
  }
  findings.expect(text(account, 'Action') === 'settings', `Action "${text(account, 'Action')}", not settings`)
  const types: string[] = []
  for (const p of list(account, 'Protocol')) {
    const type = text(p, 'Type') ?? String(p['@Type'] ?? '')
    types.push(type)
    if (MAIL_TYPES.has(type)) mailProtocol(findings, p, type)
    else if (type === 'EXCH' || type === 'EXPR')
      findings.servers.push({
        role: `Exchange ${type}`,
        server: `${text(p, 'Server')} (EWS ${text(p, 'EwsUrl')})`,
      })
    else if (type === 'POP') findings.expect(false, 'Type POP: Outlook knows only POP3')
  }
  findings.expect(
    types.some((t) => MAIL_TYPES.has(t) || t === 'EXCH'),
    'no IMAP, POP3, SMTP or EXCH protocol (Outlook has nothing to set up)',
  )
  const firstImap = types.indexOf('IMAP')
  findings.expect(
    firstImap === -1 || !types.slice(firstImap).some((t) => t === 'EXCH' || t === 'WEB'),
    'EXCH or WEB after IMAP: Thunderbird overwrites the IMAP server it chose',
  )
  return findings.judgement()
}

/** ActiveSync devices (and the new Outlook app): one MobileSync server URL, https. */
function judgeActiveSync(response: CheckResponse, address: EmailAddress): Judgement {
  const findings = new Findings()
  const read = readResponse(response, findings, 'ActiveSync', ['Server'])
  if (read === undefined) return findings.judgement()
  // 601: this schema (ActiveSync) is not offered for the domain — an honest "no", not a broken answer.
  if (read.errorCode === '601') return unavailable(`no ActiveSync for ${address.domain} (error 601)`)
  if (!findings.expect(read.errorCode === undefined, `error ${read.errorCode}: ${read.errorMessage}`))
    return findings.judgement()
  const action = child(read.answer, 'Action')
  if (text(action, 'Redirect') !== undefined) {
    findings.notes.push(`redirects to ${text(action, 'Redirect')} (not followed here)`)
    return findings.judgement()
  }
  const server = list(child(action, 'Settings'), 'Server').find((s) => text(s, 'Type') === 'MobileSync')
  const url = text(server, 'Url') ?? ''
  if (findings.expect(server !== undefined, 'no MobileSync server in Action/Settings')) {
    findings.servers.push({
      role: 'ActiveSync',
      server: url,
      username: text(child(read.answer, 'User'), 'EMailAddress'),
    })
    findings.expect(url.startsWith('https://'), `MobileSync Url "${url}" is not https`)
  }
  return findings.judgement()
}

export const outlook: ClientFamily = {
  name: 'Outlook',
  request: (address) => poxRequest(address, OUTLOOK_SCHEMA),
  judge: judgeOutlook,
}

export const activeSync: ClientFamily = {
  name: 'ActiveSync device',
  request: (address) => poxRequest(address, MOBILESYNC_SCHEMA),
  judge: judgeActiveSync,
}
