// POX Autodiscover, Outlook response schema 2006a (MS-OXDSCLI 2.2.4). One document satisfies every
// reader of CLIENTS.md §2 at once: Outlook, eM Client, Thunderbird, GNOME Online Accounts, FairEmail.
import { fillUsername, type Identity } from '../resolve/identity.js'
import type { DavSettings, ExchangeSettings, MailServer, Profile } from '../settings/model.js'
import { OUTLOOK_SCHEMA, RESPONSE_NS } from './autodiscover-namespaces.js'
import { el, renderXmlDocument, type XmlElement } from './xml.js'

export interface OutlookInput {
  readonly profile: Profile
  readonly identity: Identity
  /** The request carried `X-MapiHttpCapability`: only then is the mapiHttp protocol offered. */
  readonly mapiHttp: boolean
}

// `SSL on` with `Encryption` naming the kind: Thunderbird and Outlook read Encryption first.
// Plain servers are never listed (as in autoconfig): FairEmail would take a trailing plain one.
const ENCRYPTION = { tls: 'SSL', starttls: 'TLS' } as const

function secure(servers: readonly MailServer[], protocol: MailServer['protocol']): MailServer[] {
  return servers.filter((s) => s.protocol === protocol && s.security !== 'none')
}

function mailProtocol(s: MailServer, identity: Identity): XmlElement {
  return el('Protocol', [
    // Type as Outlook spells it: `POP3`, never `POP`.
    el('Type', s.protocol.toUpperCase()),
    el('Server', s.hostname),
    el('Port', String(s.port)),
    // Thunderbird requires a non-empty LoginName.
    el('LoginName', fillUsername(s.username, identity)),
    el('DomainRequired', 'off'),
    // SPA on would mean NTLM/Kerberos.
    el('SPA', 'off'),
    el('SSL', 'on'),
    el('Encryption', ENCRYPTION[s.security as keyof typeof ENCRYPTION]),
    el('AuthRequired', 'on'),
    s.protocol === 'smtp' && el('UsePOPAuth', 'off'),
  ])
}

/** Exchange-style settings are offered when the profile has an EWS URL and Outlook is not limited to email. */
export function offersExchange(profile: Profile): boolean {
  return profile.exchange?.ewsUrl !== undefined && profile.exchange.outlook !== 'email'
}

function offersMail(profile: Profile): boolean {
  return !(offersExchange(profile) && profile.exchange?.outlook === 'exchange')
}

function exchangeProtocol(type: 'EXCH' | 'EXPR', exchange: ExchangeSettings): XmlElement {
  const ewsUrl = exchange.ewsUrl as string
  return el('Protocol', [
    el('Type', type),
    el('Server', exchange.server ?? new URL(ewsUrl).hostname),
    type === 'EXPR' && el('SSL', 'On'),
    type === 'EXPR' && el('AuthPackage', 'Basic'),
    // ASUrl is the Availability service (EWS), not ActiveSync. GNOME needs ASUrl and OABUrl here.
    el('ASUrl', ewsUrl),
    el('EwsUrl', ewsUrl),
    el('OOFUrl', exchange.oofUrl ?? ewsUrl),
    exchange.oabUrl !== undefined && el('OABUrl', exchange.oabUrl),
  ])
}

function mapiHttpProtocol(urls: NonNullable<ExchangeSettings['mapiHttp']>): XmlElement {
  const both = (url: string) => [el('InternalUrl', url), el('ExternalUrl', url)]
  return el(
    'Protocol',
    [el('MailStore', both(urls.mailStoreUrl)), el('AddressBook', both(urls.addressBookUrl))],
    {
      Type: 'mapiHttp',
      Version: '1',
    },
  )
}

function webProtocol(url: string): XmlElement {
  const owa = () => el('OWAUrl', url, { AuthenticationMethod: 'Basic, Fba' })
  return el('Protocol', [el('Type', 'WEB'), el('External', [owa()]), el('Internal', [owa()])])
}

/**
 * Exchange-style protocols come first: Thunderbird overwrites an IMAP server it already chose when
 * EXCH or WEB follows it, and GNOME requires ASUrl and OABUrl on the first Protocol.
 */
function exchangeProtocols(profile: Profile, mapiHttp: boolean): (XmlElement | false)[] {
  const exchange = profile.exchange as ExchangeSettings
  return [
    exchangeProtocol('EXCH', exchange),
    exchangeProtocol('EXPR', exchange),
    mapiHttp && exchange.mapiHttp !== undefined && mapiHttpProtocol(exchange.mapiHttp),
    profile.webmailUrl !== undefined && webProtocol(profile.webmailUrl),
  ]
}

/** eM Client reads CalDAV/CardDAV protocol entries; other clients skip unknown types. */
function davProtocols(dav: DavSettings | undefined, loginName: string): (XmlElement | false)[] {
  const entry = (type: string, url: string | undefined) =>
    url !== undefined && el('Protocol', [el('Type', type), el('Server', url), el('LoginName', loginName)])
  return [entry('CalDAV', dav?.caldavUrl), entry('CardDAV', dav?.carddavUrl)]
}

function mailServers(profile: Profile): MailServer[] {
  return [
    ...secure(profile.incoming, 'imap'),
    ...secure(profile.incoming, 'pop3'),
    ...secure(profile.outgoing, 'smtp'),
  ]
}

/** Whether the Outlook document would list anything; when not, the route answers error 501. */
export function hasOutlookProtocols(profile: Profile): boolean {
  return offersExchange(profile) || (offersMail(profile) && mailServers(profile).length > 0)
}

/** The settings answer for one profile and identity. Pure: same input, same bytes. */
export function renderOutlookSettings(input: OutlookInput): string {
  const { profile, identity } = input
  const mail = offersMail(profile) ? mailServers(profile).map((s) => mailProtocol(s, identity)) : []
  // Settings validation guarantees an incoming server; every server of a profile shares one username form.
  const loginName = fillUsername((profile.incoming[0] as MailServer).username, identity)
  const account = el('Account', [
    el('AccountType', 'email'),
    el('Action', 'settings'),
    ...(offersExchange(profile) ? exchangeProtocols(profile, input.mapiHttp) : []),
    ...mail,
    ...davProtocols(profile.dav, loginName),
  ])
  return renderXmlDocument(
    el('Autodiscover', [el('Response', [account], { xmlns: OUTLOOK_SCHEMA })], { xmlns: RESPONSE_NS }),
  )
}
