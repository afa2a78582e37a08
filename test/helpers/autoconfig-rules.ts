// The client rules of CLIENTS.md §1, written independently of the renderer, as a list of violations.
import { parseXml } from './xml.js'

export interface ServerView {
  type: string
  hostname: string
  port: string
  socketType: string
  authentication: string[]
  username: string
  attributes: string[]
  pop3?: Record<string, string>
}

export interface AutoconfigView {
  id: string
  domains: string[]
  displayName: string
  displayShortName: string
  incoming: ServerView[]
  outgoing: ServerView[]
  documentation?: Record<string, unknown>
  webMail?: Record<string, unknown>
  addressbook?: Record<string, unknown>
  calendar?: Record<string, unknown>
}

const ARRAYS = ['incomingServer', 'outgoingServer', 'authentication', 'domain']

function serverView(node: Record<string, unknown>): ServerView {
  return {
    type: node['@type'] as string,
    hostname: node.hostname as string,
    port: node.port as string,
    socketType: node.socketType as string,
    authentication: (node.authentication as string[] | undefined) ?? [],
    username: node.username as string,
    attributes: Object.keys(node).filter((k) => k.startsWith('@')),
    ...(node.pop3 === undefined ? {} : { pop3: node.pop3 as Record<string, string> }),
  }
}

export function parseAutoconfig(body: string): AutoconfigView {
  const root = parseXml(body, ARRAYS).clientConfig as Record<string, unknown>
  const provider = root.emailProvider as Record<string, unknown>
  return {
    id: provider['@id'] as string,
    domains: provider.domain as string[],
    displayName: provider.displayName as string,
    displayShortName: provider.displayShortName as string,
    incoming: ((provider.incomingServer as Record<string, unknown>[] | undefined) ?? []).map(serverView),
    outgoing: ((provider.outgoingServer as Record<string, unknown>[] | undefined) ?? []).map(serverView),
    documentation: provider.documentation as Record<string, unknown> | undefined,
    webMail: root.webMail as Record<string, unknown> | undefined,
    addressbook: root.addressbook as Record<string, unknown> | undefined,
    calendar: root.calendar as Record<string, unknown> | undefined,
  }
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/
const AUTH = new Set(['password-cleartext', 'password-encrypted', 'OAuth2'])
const WHOLE_PLACEHOLDERS = new Set(['%EMAILADDRESS%', '%EMAILLOCALPART%', '%EMAILDOMAIN%'])

function serverViolations(s: ServerView, where: string): string[] {
  const out: string[] = []
  if (!HOSTNAME.test(s.hostname ?? ''))
    out.push(`${where}: hostname "${s.hostname}" is not a literal hostname (FairEmail, GNOME, K-9)`)
  if (!/^\d{1,5}$/.test(s.port ?? ''))
    out.push(`${where}: port "${s.port}" is not a bare number (K-9, FairEmail)`)
  if (s.socketType !== 'SSL' && s.socketType !== 'STARTTLS')
    out.push(`${where}: socketType ${s.socketType} (K-9 discards plain)`)
  if (s.authentication.length === 0) out.push(`${where}: no authentication`)
  for (const a of s.authentication)
    if (!AUTH.has(a)) out.push(`${where}: authentication ${a} (K-9 accepts only three values)`)
  if (typeof s.username !== 'string' || s.username === '') out.push(`${where}: username missing (K-9)`)
  if (s.attributes.some((a) => a !== '@type')) out.push(`${where}: attributes besides type (Evolution)`)
  return out
}

/** Every rule of CLIENTS.md §1 that a response can break; empty when all clients accept it. */
export function autoconfigViolations(
  response: { statusCode: number; headers: Record<string, unknown>; body: string },
  addressKnown: boolean,
): string[] {
  const out: string[] = []
  if (response.statusCode !== 200)
    return [`status ${response.statusCode} (FairEmail and KMail want exactly 200)`]
  const type = String(response.headers['content-type'])
  if (!type.startsWith('application/xml') && !type.startsWith('text/xml'))
    out.push(`content-type ${type} (Thunderbird)`)
  if (!response.body.startsWith('<?xml')) out.push('something precedes <?xml (Thunderbird, Evolution BOM)')
  if (/<\/?[A-Za-z]+:[A-Za-z]/.test(response.body)) out.push('namespace prefix on an element')
  const doc = parseAutoconfig(response.body)
  if (!HOSTNAME.test(doc.id)) out.push(`emailProvider id "${doc.id}" is not a hostname (K-9)`)
  if (doc.domains.length === 0) out.push('no <domain>')
  if (doc.displayName.length > 60) out.push('displayName over 60 characters')
  if (doc.displayShortName.length > 20) out.push('displayShortName over 20 characters')
  if (doc.incoming.length === 0 || doc.outgoing.length === 0) out.push('no incoming or no outgoing server')
  for (const [i, s] of doc.incoming.entries()) out.push(...serverViolations(s, `incoming[${i}]`))
  for (const [i, s] of doc.outgoing.entries()) out.push(...serverViolations(s, `outgoing[${i}]`))
  if (doc.incoming.some((s) => s.type === 'imap') && doc.incoming[0]?.type !== 'imap') {
    out.push('first incomingServer is not IMAP (FairEmail reads only the first)')
  }
  const usernames = new Set([...doc.incoming, ...doc.outgoing].map((s) => s.username))
  if (usernames.size > 1) out.push('servers carry different usernames (FairEmail uses the last)')
  if (!addressKnown) {
    for (const u of usernames)
      if (!WHOLE_PLACEHOLDERS.has(u)) out.push(`username "${u}" is not a whole-value placeholder (GNOME)`)
  }
  // K-9 reads <hostname> nested anywhere inside a server: exactly one per server.
  const hostnames = response.body.match(/<hostname>/g)?.length ?? 0
  if (hostnames !== doc.incoming.length + doc.outgoing.length)
    out.push('<hostname> nested deeper inside a server (K-9)')
  return out
}
