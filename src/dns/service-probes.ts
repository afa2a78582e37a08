// What the doctor asks each service name and what it expects back, both reduced to comparable lines.
// autoconfig.<domain>: Thunderbird's GET of the Mozilla autoconfig document (CLIENTS.md §1).
// autodiscover.<domain>: Outlook's POX Autodiscover POST (CLIENTS.md §2, MS-OXDSCLI 2.2.3); the expected
// answer is the one this service would give for the same request (routes/autodiscover-answer.ts).
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { thunderbirdAndroid } from '../check/autoconfig-families.js'
import { outlook } from '../check/autodiscover-families.js'
import type { ClientFamily, Judgement } from '../check/types.js'
import type { EmailAddress } from '../common/address.js'
import { orderIncoming } from '../render/autoconfig.js'
import { OUTLOOK_SCHEMA } from '../render/autodiscover-namespaces.js'
import { el, renderXmlDocument } from '../render/xml.js'
import { answerPox } from '../routes/autodiscover-answer.js'
import type { MailServer, Profile } from '../settings/model.js'
import type { Snapshot } from '../state/snapshot.js'

export interface ServiceProbe {
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly body?: string
  /** The answer's content, one comparable line per item; undefined when it is not the expected kind. */
  readonly summarise: (body: string) => string[] | undefined
  readonly expected: readonly string[]
  /** The client whose rules (`mailsetup check`, src/check/) the answer must also satisfy. */
  readonly client: ClientFamily
  readonly judge: (answer: { status: number; contentType: string; body: string }) => Judgement
}

function judgeAs(client: ClientFamily, address: EmailAddress) {
  return (answer: { status: number; contentType: string; body: string }) =>
    client.judge(
      { status: answer.status, headers: { 'content-type': answer.contentType }, body: answer.body },
      address,
    )
}

/** A made-up mailbox of the domain: no real address leaves the machine. */
function doctorAddress(domain: string): EmailAddress {
  return { address: `mailsetup-doctor@${domain}`, localPart: 'mailsetup-doctor', domain }
}

const ARRAYS = new Set(['incomingServer', 'outgoingServer', 'Protocol'])

/** Strict like the clients: well-formed, no DTD (no entity tricks), namespace prefixes dropped. */
function parseDocument(body: string): Record<string, unknown> | undefined {
  if (/<!DOCTYPE/i.test(body) || XMLValidator.validate(body) !== true) return undefined
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    processEntities: false,
    isArray: (name) => ARRAYS.has(name),
  })
  return parser.parse(body) as Record<string, unknown>
}

type Node = { readonly [key: string]: unknown }

function child(node: unknown, key: string): Node | undefined {
  const value = (node as Node | undefined)?.[key]
  return typeof value === 'object' && value !== null ? (value as Node) : undefined
}

function list(node: Node | undefined, key: string): Node[] {
  return (node?.[key] as Node[] | undefined) ?? []
}

function text(node: Node, key: string): string {
  const value = node[key]
  return typeof value === 'string' ? value : ''
}

const SOCKET_TYPE: Record<string, string> = { tls: 'SSL', starttls: 'STARTTLS' }

function autoconfigLines(body: string): string[] | undefined {
  const provider = child(child(parseDocument(body), 'clientConfig'), 'emailProvider')
  if (provider === undefined) return undefined
  const servers = [...list(provider, 'incomingServer'), ...list(provider, 'outgoingServer')]
  return servers.map(
    (s) => `${text(s, '@type')} ${text(s, 'hostname')}:${text(s, 'port')} ${text(s, 'socketType')}`,
  )
}

/** GET /mail/config-v1.1.xml with no address, as Thunderbird for Android asks. */
export function autoconfigProbe(profile: Profile, domain: string): ServiceProbe {
  const line = (s: MailServer) => `${s.protocol} ${s.hostname}:${s.port} ${SOCKET_TYPE[s.security]}`
  const outgoing = profile.outgoing.filter((s) => s.security !== 'none')
  return {
    method: 'GET',
    path: '/mail/config-v1.1.xml',
    summarise: autoconfigLines,
    expected: [...orderIncoming(profile.incoming, false), ...outgoing].map(line),
    client: thunderbirdAndroid,
    judge: judgeAs(thunderbirdAndroid, doctorAddress(domain)),
  }
}

/** `IMAP imap.example.com:993 SSL`, `EXCH outlook.example.com`, `mapiHttp` (Type is an attribute there). */
function protocolLine(p: Node): string {
  const port = text(p, 'Port') === '' ? '' : `:${text(p, 'Port')}`
  return [`${text(p, 'Type') || text(p, '@Type')}`, `${text(p, 'Server')}${port}`, text(p, 'Encryption')]
    .filter((part) => part !== '')
    .join(' ')
}

/** Action, redirect target, error code and one line per Protocol: what Outlook acts on. */
export function autodiscoverLines(body: string): string[] | undefined {
  const response = child(child(parseDocument(body), 'Autodiscover'), 'Response')
  if (response === undefined) return undefined
  const error = child(response, 'Error')
  if (error !== undefined) return [`error ${text(error, 'ErrorCode')}`]
  const account = child(response, 'Account')
  if (account === undefined) return undefined
  const redirect = text(account, 'RedirectAddr') || text(account, 'RedirectUrl')
  return [
    `action ${text(account, 'Action')}`,
    ...(redirect === '' ? [] : [`redirect ${redirect}`]),
    ...list(account, 'Protocol').map(protocolLine),
  ]
}

/** Outlook's POST for a made-up mailbox of the domain. */
export function autodiscoverProbe(snapshot: Snapshot, domain: string): ServiceProbe {
  const { address } = doctorAddress(domain)
  const fields = { emailAddress: address, acceptableResponseSchema: OUTLOOK_SCHEMA }
  const answer = answerPox(snapshot, { parsed: { ok: true, request: fields }, mapiHttp: false })
  const request = el(
    'Autodiscover',
    [el('Request', [el('EMailAddress', address), el('AcceptableResponseSchema', OUTLOOK_SCHEMA)])],
    { xmlns: 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006' },
  )
  return {
    method: 'POST',
    path: '/autodiscover/autodiscover.xml',
    body: renderXmlDocument(request),
    summarise: autodiscoverLines,
    // The Outlook schema always answers with a document (an HTTP redirect is for ActiveSync only),
    // and this service's own documents always parse.
    expected: autodiscoverLines(String((answer as { body: string | Buffer }).body)) as string[],
    client: outlook,
    judge: judgeAs(outlook, doctorAddress(domain)),
  }
}
