// Thunderbird and Thunderbird for Android (K-9) reading Mozilla autoconfig: CLIENTS.md §1.
import { Findings, child, expectDocument, list, parseXml, text } from './findings.js'
import type { CheckResponse, ClientFamily, Judgement } from './types.js'

interface ConfigServer {
  readonly type: string
  readonly hostname: string
  readonly port: string
  readonly socketType: string
  readonly authentication: readonly string[]
  readonly username: string
}

const XML_TYPES = ['application/xml', 'text/xml']
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i
const SECURITY: Record<string, string> = { SSL: 'SSL/TLS', STARTTLS: 'STARTTLS', plain: 'none' }
// K-9 accepts only these; the old values `plain` and `secure` break it.
const K9_AUTHENTICATION = new Set(['password-cleartext', 'password-encrypted', 'OAuth2'])

function readServer(node: Record<string, unknown>): ConfigServer {
  return {
    type: String(node['@type'] ?? ''),
    hostname: text(node, 'hostname') ?? '',
    port: text(node, 'port') ?? '',
    socketType: text(node, 'socketType') ?? '',
    authentication: (node.authentication as unknown[] | undefined)?.map(String) ?? [],
    username: text(node, 'username') ?? '',
  }
}

/** The document's servers, or undefined (with the problem recorded) when there is no clientConfig. */
function readAutoconfig(response: CheckResponse, findings: Findings, client: string) {
  if (!expectDocument(response, findings, { types: XML_TYPES, client })) return undefined
  findings.expect(response.body.startsWith('<?xml'), `something precedes <?xml (${client})`)
  const doc = parseXml(response.body, findings, ['incomingServer', 'outgoingServer', 'authentication'])
  const provider = child(child(doc, 'clientConfig'), 'emailProvider')
  if (!findings.expect(Object.keys(provider).length > 0, 'no clientConfig/emailProvider element'))
    return undefined
  return {
    id: String(provider['@id'] ?? ''),
    incoming: list(provider, 'incomingServer').map(readServer),
    outgoing: list(provider, 'outgoingServer').map(readServer),
  }
}

function summarise(findings: Findings, s: ConfigServer, direction: string): void {
  findings.servers.push({
    role: `${direction} ${s.type.toUpperCase()}`,
    server: s.hostname,
    port: Number(s.port),
    security: SECURITY[s.socketType] ?? s.socketType,
    username: s.username,
  })
}

/** Rules both clients apply to a server they use. */
function expectUsable(findings: Findings, s: ConfigServer, client: string): void {
  const where = `${s.type} server ${s.hostname}`
  findings.expect(
    HOSTNAME.test(s.hostname),
    `${where}: hostname "${s.hostname}" is not a bare host name (${client})`,
  )
  findings.expect(/^\d{1,5}$/.test(s.port), `${where}: port "${s.port}" is not a bare number (${client})`)
  findings.expect(
    s.socketType === 'SSL' || s.socketType === 'STARTTLS',
    `${where}: socketType "${s.socketType}" (${client} wants SSL or STARTTLS)`,
  )
  findings.expect(s.username !== '', `${where}: no username (${client})`)
}

/** Thunderbird: the first IMAP server (else POP3) and the first SMTP server; it fills placeholders itself. */
function judgeThunderbird(response: CheckResponse): Judgement {
  const findings = new Findings()
  const client = 'Thunderbird'
  const doc = readAutoconfig(response, findings, client)
  if (doc === undefined) return findings.judgement()
  const incoming = doc.incoming.find((s) => s.type === 'imap') ?? doc.incoming.find((s) => s.type === 'pop3')
  const outgoing = doc.outgoing.find((s) => s.type === 'smtp')
  for (const [server, direction] of [
    [incoming, 'incoming'],
    [outgoing, 'outgoing'],
  ] as const) {
    if (!findings.expect(server !== undefined, `no ${direction} server Thunderbird can use`)) continue
    summarise(findings, server as ConfigServer, direction)
    expectUsable(findings, server as ConfigServer, client)
    findings.expect(
      (server as ConfigServer).authentication.some((a) => a !== 'OAuth2'),
      `${(server as ConfigServer).hostname}: OAuth2 only (Thunderbird drops it for hosts outside its own list)`,
    )
  }
  return findings.judgement()
}

/** K-9 discards the whole file for one bad server, and reads only the first IMAP and first SMTP server. */
function judgeK9(response: CheckResponse): Judgement {
  const findings = new Findings()
  const client = 'K-9'
  const doc = readAutoconfig(response, findings, client)
  if (doc === undefined) return findings.judgement()
  findings.expect(HOSTNAME.test(doc.id), `emailProvider id "${doc.id}" is not a host name (K-9)`)
  const servers = [...doc.incoming, ...doc.outgoing]
  for (const s of servers) {
    expectUsable(findings, s, client)
    for (const a of s.authentication)
      findings.expect(K9_AUTHENTICATION.has(a), `${s.type} server ${s.hostname}: authentication "${a}" (K-9)`)
  }
  const hostnames = response.body.match(/<hostname>/g)?.length ?? 0
  findings.expect(hostnames === servers.length, '<hostname> nested deeper inside a server (K-9 reads it)')
  const imap = doc.incoming.find((s) => s.type === 'imap')
  const smtp = doc.outgoing.find((s) => s.type === 'smtp')
  if (findings.expect(imap !== undefined, 'no IMAP server (K-9 sets up IMAP)'))
    summarise(findings, imap!, 'incoming')
  if (findings.expect(smtp !== undefined, 'no SMTP server (K-9)')) summarise(findings, smtp!, 'outgoing')
  findings.notes.push(
    'K-9 sends no address: the domain comes from the Host header and the app fills in placeholders',
  )
  return findings.judgement()
}

const AUTOCONFIG_PATH = '/mail/config-v1.1.xml'

export const thunderbird: ClientFamily = {
  name: 'Thunderbird',
  request: (address) => ({
    method: 'GET',
    host: `autoconfig.${address.domain}`,
    path: `${AUTOCONFIG_PATH}?emailaddress=${encodeURIComponent(address.address)}`,
  }),
  judge: judgeThunderbird,
}

export const thunderbirdAndroid: ClientFamily = {
  name: 'Thunderbird for Android',
  request: (address) => ({ method: 'GET', host: `autoconfig.${address.domain}`, path: AUTOCONFIG_PATH }),
  judge: judgeK9,
}
