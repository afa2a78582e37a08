// The DNS records a hosted domain (or alias) should publish so that clients find the service and the
// mail servers on their own (CLIENTS.md §4). Pure data from settings: `format-zone.ts` prints it and
// `doctor.ts` checks a live domain against it.
import type { MailProtocol, MailServer, Security, Settings } from '../settings/model.js'

interface RecordBase {
  /** Owner name, lower-case ASCII, without the trailing dot. */
  readonly name: string
  /** What the record is for, in plain words (a comment line in the zone output). */
  readonly purpose: string
}

export interface CnameRecord extends RecordBase {
  readonly type: 'CNAME'
  readonly target: string
}

export interface SrvRecord extends RecordBase {
  readonly type: 'SRV'
  readonly priority: number
  readonly weight: number
  readonly port: number
  /** `.` means "this service is not offered" (RFC 2782, RFC 6186 §3). */
  readonly target: string
}

export interface TxtRecord extends RecordBase {
  readonly type: 'TXT'
  readonly text: string
}

/** The name is the service's own host: it needs A/AAAA records, which only the operator knows. */
export interface AddressRecord extends RecordBase {
  readonly type: 'ADDRESS'
}

export type ExpectedRecord = CnameRecord | SrvRecord | TxtRecord | AddressRecord

/** Where clients reach this service: the host (and port) of `service.publicUrl`. */
export interface ServiceHost {
  readonly host: string
  readonly port: number
}

/** The service's public host, or undefined when `service.publicUrl` is not set. */
export function findServiceHost(settings: Settings): ServiceHost | undefined {
  const publicUrl = settings.service.publicUrl
  if (publicUrl === undefined) return undefined
  const url = new URL(publicUrl)
  return { host: url.hostname.toLowerCase(), port: url.port === '' ? 443 : Number(url.port) }
}

/** RFC 6186 §3.1–3.3 and RFC 8314 §5.1 service labels, in the order they are printed. */
const MAIL_SERVICES: readonly { label: string; protocol: MailProtocol; security: Security; what: string }[] =
  [
    { label: '_imaps', protocol: 'imap', security: 'tls', what: 'IMAP over TLS (RFC 8314)' },
    { label: '_imap', protocol: 'imap', security: 'starttls', what: 'IMAP with STARTTLS (RFC 6186)' },
    { label: '_pop3s', protocol: 'pop3', security: 'tls', what: 'POP3 over TLS (RFC 8314)' },
    { label: '_pop3', protocol: 'pop3', security: 'starttls', what: 'POP3 with STARTTLS (RFC 6186)' },
    { label: '_submissions', protocol: 'smtp', security: 'tls', what: 'submission over TLS (RFC 8314)' },
    {
      label: '_submission',
      protocol: 'smtp',
      security: 'starttls',
      what: 'submission with STARTTLS (RFC 6186)',
    },
  ]

/**
 * RFC 6186 §3.4: clients compare priorities across `_imap(s)` and `_pop3(s)` (and RFC 8314 §5.1 across
 * `_submission(s)`) to learn the provider's preference, so the priority is the server's position in the
 * configured preference order. Servers with `security: none` are never advertised (as in autoconfig).
 */
function mailServiceRecords(name: string, incoming: readonly MailServer[], outgoing: readonly MailServer[]) {
  const ranked = (servers: readonly MailServer[]) => servers.filter((s) => s.security !== 'none')
  const incomingRanked = ranked(incoming)
  const outgoingRanked = ranked(outgoing)
  return MAIL_SERVICES.flatMap(({ label, protocol, security, what }): SrvRecord[] => {
    const list = protocol === 'smtp' ? outgoingRanked : incomingRanked
    const owner = `${label}._tcp.${name}`
    const offered = list
      .map((server, priority) => ({ server, priority }))
      .filter(({ server }) => server.protocol === protocol && server.security === security)
    if (offered.length === 0) {
      const purpose = `${what}: not offered`
      return [{ type: 'SRV', name: owner, purpose, priority: 0, weight: 0, port: 0, target: '.' }]
    }
    return offered.map(({ server, priority }) => ({
      type: 'SRV',
      name: owner,
      purpose: what,
      priority,
      weight: 0,
      port: server.port,
      target: server.hostname,
    }))
  })
}

/** RFC 6764 §3 SRV and §4 TXT `path=` for one DAV URL. */
function davRecords(name: string, kind: 'caldav' | 'carddav', rawUrl: string | undefined) {
  if (rawUrl === undefined) return []
  const url = new URL(rawUrl)
  const tls = url.protocol === 'https:'
  const owner = `_${kind}${tls ? 's' : ''}._tcp.${name}`
  const what = `${kind === 'caldav' ? 'CalDAV' : 'CardDAV'}${tls ? ' over TLS' : ''} (RFC 6764)`
  const port = url.port === '' ? (tls ? 443 : 80) : Number(url.port)
  const records: ExpectedRecord[] = [
    { type: 'SRV', name: owner, purpose: what, priority: 0, weight: 0, port, target: url.hostname },
    { type: 'TXT', name: owner, purpose: what, text: `path=${url.pathname}` },
  ]
  return records
}

/** A service name (`autoconfig.<domain>`) points at the service, unless it *is* the service's host. */
function serviceName(name: string, service: ServiceHost, purpose: string): ExpectedRecord {
  if (name === service.host) return { type: 'ADDRESS', name, purpose }
  return { type: 'CNAME', name, purpose, target: service.host }
}

/**
 * Every record `name` (a hosted domain or an alias, ASCII) should publish; undefined when the name is
 * not hosted. Order: service hosts, Autodiscover SRV, mail services, DAV.
 */
export function expectedRecords(
  settings: Settings,
  name: string,
  service: ServiceHost,
): ExpectedRecord[] | undefined {
  const domain = settings.lookup.get(name)
  if (domain === undefined) return undefined
  const { profile } = domain
  return [
    serviceName(`autoconfig.${name}`, service, 'Mozilla autoconfig (Thunderbird, K-9, FairEmail, Evolution)'),
    serviceName(`autodiscover.${name}`, service, 'Microsoft Autodiscover (Outlook, eM Client, ActiveSync)'),
    {
      type: 'SRV',
      name: `_autodiscover._tcp.${name}`,
      purpose: 'Autodiscover SRV (Outlook, Thunderbird)',
      priority: 0,
      weight: 0,
      port: service.port,
      target: service.host,
    },
    ...mailServiceRecords(name, profile.incoming, profile.outgoing),
    ...davRecords(name, 'caldav', profile.dav?.caldavUrl),
    ...davRecords(name, 'carddav', profile.dav?.carddavUrl),
  ]
}

/** Every hosted name, canonical domains each followed by their aliases, in config order. */
export function hostedNames(settings: Settings): string[] {
  return settings.domains.flatMap((domain) => [domain.name, ...domain.aliases])
}
