// Apple configuration profile (iOS, iPadOS, macOS Mail): Apple's Configuration Profile Reference —
// top level, com.apple.mail.managed, com.apple.caldav.account, com.apple.carddav.account,
// com.apple.eas.account. Rules from CLIENTS.md §3: integers for ports, booleans for flags, no empty
// key, never a password, identifiers and UUIDs stable for one address so a reinstall replaces.
import { DNS_NAMESPACE, nameUuid } from '../common/name-uuid.js'
import type { Identity } from '../resolve/identity.js'
import { fillUsername } from '../resolve/identity.js'
import type { Authentication, MailServer, Profile, Provider } from '../settings/model.js'
import { type PlistDict, renderPlist } from './plist.js'

export interface MobileconfigInput {
  readonly provider: Provider
  readonly profile: Profile
  /** A real address: profiles are personal, the endpoint refuses requests without one. */
  readonly identity: Identity
  /** The address's UUIDs and identifier (`profileIds`). */
  readonly ids: ProfileIds
  /**
   * Whether incoming and outgoing servers log in as the same user; computed from the identity unless
   * given (a prepared template is compiled once for each value: state/snapshot.ts).
   */
  readonly samePassword?: boolean
}

/** The UUIDs and identifier that tie a profile to one address, so that a reinstall replaces it. */
export interface ProfileIds {
  readonly profileUuid: string
  readonly identifier: string
  readonly mailUuid: string
  readonly caldavUuid: string
  readonly carddavUuid: string
  readonly easUuid: string
}

export const PROFILE_ID_FIELDS = [
  'profileUuid',
  'identifier',
  'mailUuid',
  'caldavUuid',
  'carddavUuid',
  'easUuid',
] as const satisfies readonly (keyof ProfileIds)[]

// The provider's own namespace, the same for every request: derived again only when the id changes.
let providerNamespace = { providerId: '', uuid: '' }

function namespaceOf(provider: Provider): string {
  if (providerNamespace.providerId !== provider.id)
    providerNamespace = { providerId: provider.id, uuid: nameUuid(DNS_NAMESPACE, provider.id) }
  return providerNamespace.uuid
}

/** Name-based (RFC 9562 v5) from the provider and the address: the same address, the same UUIDs. */
export function profileIds(provider: Provider, address: string): ProfileIds {
  const namespace = namespaceOf(provider)
  const uuid = (part: string) => nameUuid(namespace, `${address}\n${part}`)
  const profileUuid = uuid('profile')
  return {
    profileUuid,
    identifier: `${reverseDns(provider.id)}.mailsetup.${profileUuid.toLowerCase()}`,
    mailUuid: uuid('mail'),
    caldavUuid: uuid('caldav'),
    carddavUuid: uuid('carddav'),
    easUuid: uuid('eas'),
  }
}

type PayloadKind = 'mail' | 'caldav' | 'carddav' | 'eas'

const PAYLOAD_TYPE: Record<PayloadKind, string> = {
  mail: 'com.apple.mail.managed',
  caldav: 'com.apple.caldav.account',
  carddav: 'com.apple.carddav.account',
  eas: 'com.apple.eas.account',
}

// Apple's mail payload has no OAuth value; a server offering only OAuth2 still gets a password prompt.
const AUTH: Partial<Record<Authentication, string>> = {
  'password-cleartext': 'EmailAuthPassword',
  'password-encrypted': 'EmailAuthCRAMMD5',
}

/** `mail.example.net` → `net.example.mail`. */
export function reverseDns(hostname: string): string {
  return hostname.split('.').reverse().join('.')
}

/**
 * The preferred server of a protocol: the first with TLS or STARTTLS (both are `UseSSL` for Apple);
 * a server without TLS only when it is the only one (the operator got a warning at load time).
 */
function preferred(servers: readonly MailServer[], protocol: string): MailServer | undefined {
  const candidates = servers.filter((s) => s.protocol === protocol)
  return candidates.find((s) => s.security !== 'none') ?? candidates[0]
}

function authentication(server: MailServer): string {
  for (const method of server.authentication) {
    const apple = AUTH[method]
    if (apple !== undefined) return apple
  }
  return 'EmailAuthPassword'
}

/** What every payload of one profile shares: names, identifiers and the UUID derivation. */
interface Context {
  readonly provider: Provider
  readonly identity: Identity
  readonly ids: ProfileIds
  readonly samePassword?: boolean
}

function payload(context: Context, kind: PayloadKind, displayName: string, keys: PlistDict): PlistDict {
  return {
    PayloadType: PAYLOAD_TYPE[kind],
    PayloadVersion: 1,
    PayloadIdentifier: `${context.ids.identifier}.${kind}`,
    PayloadUUID: context.ids[`${kind}Uuid`],
    PayloadDisplayName: displayName,
    PayloadOrganization: context.provider.name,
    ...keys,
  }
}

function serverKeys(prefix: 'Incoming' | 'Outgoing', server: MailServer, identity: Identity): PlistDict {
  return {
    [`${prefix}MailServerHostName`]: server.hostname,
    [`${prefix}MailServerPortNumber`]: server.port,
    [`${prefix}MailServerUseSSL`]: server.security !== 'none',
    [`${prefix}MailServerUsername`]: fillUsername(server.username, identity),
    [`${prefix}MailServerAuthentication`]: authentication(server),
  }
}

/** IMAP when the domain offers it, POP3 only when that is the only incoming type. */
function incomingServer(profile: Profile): MailServer {
  // Settings guarantee at least one incoming and one outgoing server (build-profile.ts checkProfile).
  return (preferred(profile.incoming, 'imap') ?? preferred(profile.incoming, 'pop3')) as MailServer
}

function mailPayload(context: Context, profile: Profile): PlistDict {
  const incoming = incomingServer(profile)
  const outgoing = preferred(profile.outgoing, 'smtp') as MailServer
  const { identity, provider } = context
  return payload(context, 'mail', 'Email', {
    EmailAccountDescription: `${provider.name} (${identity.address})`,
    EmailAccountType: incoming.protocol === 'imap' ? 'EmailTypeIMAP' : 'EmailTypePOP',
    EmailAddress: identity.address,
    ...serverKeys('Incoming', incoming, identity),
    ...serverKeys('Outgoing', outgoing, identity),
    // One password prompt for both servers when they log in as the same user.
    OutgoingPasswordSameAsIncomingPassword: context.samePassword ?? sharesPassword(profile, identity),
  })
}

/** Port from the URL, or the scheme's default: CalDAVPort/CardDAVPort must never be empty. */
function urlPort(url: URL): number {
  if (url.port !== '') return Number(url.port)
  return url.protocol === 'https:' ? 443 : 80
}

function davPayload(context: Context, kind: 'caldav' | 'carddav', url: string, username: string): PlistDict {
  const parsed = new URL(url)
  const prefix = kind === 'caldav' ? 'CalDAV' : 'CardDAV'
  const what = kind === 'caldav' ? 'Calendar' : 'Contacts'
  return payload(context, kind, what, {
    [`${prefix}AccountDescription`]: `${context.provider.name} ${what} (${context.identity.address})`,
    [`${prefix}HostName`]: parsed.hostname,
    [`${prefix}Port`]: urlPort(parsed),
    [`${prefix}UseSSL`]: parsed.protocol === 'https:',
    [`${prefix}PrincipalURL`]: url,
    [`${prefix}Username`]: username,
  })
}

/** Exchange ActiveSync carries mail, calendars and contacts at once (iOS and iPadOS only). */
function easPayload(context: Context, url: string, username: string): PlistDict {
  const parsed = new URL(url)
  return payload(context, 'eas', 'Exchange ActiveSync', {
    EmailAddress: context.identity.address,
    Host: parsed.host,
    SSL: parsed.protocol === 'https:',
    UserName: username,
  })
}

function payloads(context: Context, profile: Profile): PlistDict[] {
  const username = fillUsername(incomingServer(profile).username, context.identity)
  const activeSyncUrl = profile.exchange?.activeSyncUrl
  if (profile.apple.preferActiveSync && activeSyncUrl !== undefined) {
    // ActiveSync replaces the IMAP and DAV accounts, which would otherwise appear twice.
    return [easPayload(context, activeSyncUrl, username)]
  }
  const { caldavUrl, carddavUrl } = profile.dav ?? {}
  return [
    mailPayload(context, profile),
    caldavUrl === undefined ? undefined : davPayload(context, 'caldav', caldavUrl, username),
    carddavUrl === undefined ? undefined : davPayload(context, 'carddav', carddavUrl, username),
  ].filter((p): p is PlistDict => p !== undefined)
}

/** Whether the mail payload's two servers log in as the same user, for this identity. */
export function sharesPassword(profile: Profile, identity: Identity): boolean {
  const incoming = incomingServer(profile)
  const outgoing = preferred(profile.outgoing, 'smtp') as MailServer
  return fillUsername(incoming.username, identity) === fillUsername(outgoing.username, identity)
}

/** The unsigned profile for one address. Pure: the same input gives the same bytes. */
export function renderMobileconfig(input: MobileconfigInput): string {
  const { provider, profile, identity, ids } = input
  const context: Context = {
    provider,
    identity,
    ids,
    ...(input.samePassword === undefined ? {} : { samePassword: input.samePassword }),
  }
  return renderPlist({
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: ids.identifier,
    PayloadUUID: ids.profileUuid,
    PayloadDisplayName: `${provider.name} (${identity.address})`,
    PayloadDescription: `Sets up ${identity.address} on this device. You will be asked for your password.`,
    PayloadOrganization: provider.name,
    PayloadContent: payloads(context, profile),
  })
}
