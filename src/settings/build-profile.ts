import { type ServerDraft, buildServers } from './check-servers.js'
import { checkHostname, checkUrl, checkUsername } from './check-values.js'
import type {
  AppleOptions,
  DavSettings,
  ExchangeSettings,
  MailServer,
  Pop3Options,
  Profile,
} from './model.js'
import type { ProblemList } from './problems.js'
import type { DefaultsEntry } from './schema.js'

/** The profile keys as written in one place (defaults or one domain), checked where they are written. */
export interface ProfileDraft {
  readonly username?: string
  readonly incoming?: readonly ServerDraft[]
  readonly outgoing?: readonly ServerDraft[]
  readonly pop3?: Partial<Pop3Options>
  readonly exchange?: ExchangeSettings | null
  readonly dav?: DavSettings | null
  readonly webmailUrl?: string | null
  readonly apple?: Partial<AppleOptions>
}

export const PROFILE_KEYS = [
  'username',
  'incoming',
  'outgoing',
  'pop3',
  'exchange',
  'dav',
  'webmail',
  'apple',
] as const

function draftExchange(entry: NonNullable<DefaultsEntry['exchange']>, path: string, problems: ProblemList) {
  const out: Record<string, unknown> = {}
  if (entry.server !== undefined) out.server = checkHostname(entry.server, `${path}.server`, problems)
  for (const key of ['ewsUrl', 'activeSyncUrl', 'oabUrl', 'oofUrl'] as const) {
    const value = entry[key]
    if (value !== undefined) out[key] = checkUrl(value, `${path}.${key}`, problems)
  }
  if (entry.mapiHttp !== undefined) {
    out.mapiHttp = Object.freeze({
      mailStoreUrl: checkUrl(entry.mapiHttp.mailStoreUrl, `${path}.mapiHttp.mailStoreUrl`, problems),
      addressBookUrl: checkUrl(entry.mapiHttp.addressBookUrl, `${path}.mapiHttp.addressBookUrl`, problems),
    })
  }
  if (entry.outlook !== undefined) out.outlook = entry.outlook
  return out as ExchangeSettings
}

function draftDav(
  entry: NonNullable<DefaultsEntry['dav']>,
  path: string,
  problems: ProblemList,
): DavSettings {
  const out: { caldavUrl?: string; carddavUrl?: string } = {}
  if (entry.caldavUrl !== undefined) out.caldavUrl = checkUrl(entry.caldavUrl, `${path}.caldavUrl`, problems)
  if (entry.carddavUrl !== undefined)
    out.carddavUrl = checkUrl(entry.carddavUrl, `${path}.carddavUrl`, problems)
  return out
}

/** Checks and normalises the profile keys of `defaults` or of one domain entry. */
export function draftProfile(entry: DefaultsEntry, path: string, problems: ProblemList): ProfileDraft {
  const at = (key: string) => `${path}.${key}`
  const draft: { -readonly [K in keyof ProfileDraft]: ProfileDraft[K] } = {}
  if (entry.username !== undefined) draft.username = checkUsername(entry.username, at('username'), problems)
  if (entry.incoming !== undefined) draft.incoming = buildServers(entry.incoming, at('incoming'), problems)
  if (entry.outgoing !== undefined) draft.outgoing = buildServers(entry.outgoing, at('outgoing'), problems)
  if (entry.pop3 !== undefined) draft.pop3 = entry.pop3
  if (entry.exchange !== undefined) {
    draft.exchange = entry.exchange === null ? null : draftExchange(entry.exchange, at('exchange'), problems)
  }
  if (entry.dav !== undefined)
    draft.dav = entry.dav === null ? null : draftDav(entry.dav, at('dav'), problems)
  if (entry.apple !== undefined) draft.apple = entry.apple
  if (entry.webmail !== undefined) {
    draft.webmailUrl = entry.webmail === null ? null : checkUrl(entry.webmail, at('webmail'), problems)
  }
  return draft
}

/** `null` switches an inherited section off; an object overrides the inherited one key by key. */
function mergeSection<T extends object>(
  base: T | null | undefined,
  own: T | null | undefined,
): T | undefined {
  if (own === null) return undefined
  if (own === undefined) return base ?? undefined
  return Object.freeze({ ...(base ?? {}), ...own }) as T
}

function withUsername(servers: readonly ServerDraft[] | undefined, username: string): readonly MailServer[] {
  return Object.freeze(
    (servers ?? []).map((s) =>
      s.username === undefined ? Object.freeze({ ...s, username }) : (s as MailServer),
    ),
  )
}

/** Effective settings of a domain: its own keys over the defaults. */
export function mergeProfile(id: number, defaults: ProfileDraft, own: ProfileDraft): Profile {
  const username = own.username ?? defaults.username ?? '%EMAILADDRESS%'
  const pop3 = { leaveMessagesOnServer: false, ...defaults.pop3, ...own.pop3 }
  const exchange = mergeSection(defaults.exchange, own.exchange)
  const dav = mergeSection(defaults.dav, own.dav)
  const webmailUrl = own.webmailUrl === undefined ? defaults.webmailUrl : own.webmailUrl
  const apple = { preferActiveSync: false, ...defaults.apple, ...own.apple }
  return Object.freeze({
    id,
    incoming: withUsername(own.incoming ?? defaults.incoming, username),
    outgoing: withUsername(own.outgoing ?? defaults.outgoing, username),
    pop3: Object.freeze(pop3),
    ...(exchange === undefined ? {} : { exchange }),
    ...(dav === undefined || Object.keys(dav).length === 0 ? {} : { dav }),
    ...(webmailUrl == null ? {} : { webmailUrl }),
    apple: Object.freeze(apple),
  })
}

/** Problems that only show once defaults and overrides are merged; reported at the first domain using it. */
export function checkProfile(profile: Profile, path: string, problems: ProblemList): void {
  if (profile.incoming.length === 0)
    problems.error(path, 'no incoming server: set `incoming` here or in `defaults`')
  if (profile.outgoing.length === 0)
    problems.error(path, 'no outgoing server: set `outgoing` here or in `defaults`')
  checkOutlookExchange(profile, path, problems)
  if (profile.apple.preferActiveSync && profile.exchange?.activeSyncUrl === undefined) {
    problems.warn(
      path,
      'apple.preferActiveSync is on but exchange.activeSyncUrl is not set: profiles carry IMAP',
    )
  }
  const usernames = new Set([...profile.incoming, ...profile.outgoing].map((s) => s.username))
  if (usernames.size > 1) {
    problems.warn(
      path,
      'servers use different username forms; FairEmail applies the last one in the file to every server',
    )
  }
}

/** Outlook's Exchange-style protocols need an EWS URL; GNOME Online Accounts also needs the OAB URL. */
function checkOutlookExchange(profile: Profile, path: string, problems: ProblemList): void {
  const exchange = profile.exchange
  if (exchange?.ewsUrl === undefined) {
    if (exchange?.outlook === 'exchange')
      problems.error(
        path,
        '`exchange.outlook: exchange` needs `exchange.ewsUrl` (Outlook has nothing else to use)',
      )
  } else if (exchange.oabUrl === undefined && exchange.outlook !== 'email') {
    problems.warn(
      path,
      'no `exchange.oabUrl`: GNOME Online Accounts refuses an Autodiscover answer without OABUrl',
    )
  }
}
