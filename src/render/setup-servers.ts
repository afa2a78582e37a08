// What a person types into a mail client by hand, derived from a profile: servers grouped by host,
// ports with their security, the sign-in method and the username (filled in when the address is known).
import type { Account } from '../resolve/resolve-account.js'
import { fillUsername } from '../resolve/identity.js'
import type { Authentication, MailProtocol, MailServer, Security } from '../settings/model.js'

export interface ServerRow {
  readonly protocol: MailProtocol
  readonly hostname: string
  /** e.g. `993 (SSL/TLS) or 143 (STARTTLS)`. */
  readonly ports: string
  readonly signIn: string
  readonly username: string
}

// The words clients use in their own manual-setup screens (Thunderbird, Apple Mail, Outlook).
const SECURITY_LABEL: Record<Exclude<Security, 'none'>, string> = { tls: 'SSL/TLS', starttls: 'STARTTLS' }
const SIGN_IN_LABEL: Record<Authentication, string> = {
  'password-cleartext': 'Normal password',
  'password-encrypted': 'Encrypted password',
  OAuth2: 'OAuth2',
}

/** Servers without TLS are left out here as in every document we serve (CLIENTS.md §1). */
export function secureServers(servers: readonly MailServer[], protocol: MailProtocol): MailServer[] {
  return servers.filter((s) => s.protocol === protocol && s.security !== 'none')
}

/** The username as a person should type it, or a description of it when the address is unknown. */
export function describeUsername(template: string, account: Account): string {
  if (account.addressKnown) return fillUsername(template, account.identity)
  if (template === '%EMAILADDRESS%') return 'your full email address'
  if (template === '%EMAILLOCALPART%') return 'the part of your email address before the @'
  if (!template.includes('%EMAIL')) return template
  const example = {
    address: `name@${account.identity.domain}`,
    localPart: 'name',
    domain: account.identity.domain,
  }
  return `like ${fillUsername(template, example)}, with your own name`
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)]
}

/** One row per host name and username, in preference order; its ports joined with "or". */
export function serverRows(
  servers: readonly MailServer[],
  protocol: MailProtocol,
  account: Account,
): ServerRow[] {
  const groups = new Map<string, MailServer[]>()
  for (const server of secureServers(servers, protocol)) {
    const key = `${server.hostname}\n${server.username}`
    groups.set(key, [...(groups.get(key) ?? []), server])
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as MailServer
    return {
      protocol,
      hostname: first.hostname,
      ports: group
        .map((s) => `${s.port} (${SECURITY_LABEL[s.security as keyof typeof SECURITY_LABEL]})`)
        .join(' or '),
      signIn: unique(group.flatMap((s) => s.authentication.map((a) => SIGN_IN_LABEL[a]))).join(' or '),
      username: describeUsername(first.username, account),
    }
  })
}

/** The username for Exchange and CalDAV/CardDAV: the preferred incoming server's, as autoconfig does. */
export function accountUsername(account: Account): string {
  const { incoming, outgoing } = account.profile
  const preferred = [...secureServers(incoming, 'imap'), ...secureServers(incoming, 'pop3')][0]
  return describeUsername(
    (preferred ?? secureServers(outgoing, 'smtp')[0])?.username ?? '%EMAILADDRESS%',
    account,
  )
}
