import type { IncomingServerEntry, OutgoingServerEntry } from './schema.js'
import type { Authentication, MailServer } from './model.js'

/** A server as written in one place of the file; its username may come from the domain or defaults. */
export type ServerDraft = Omit<MailServer, 'username'> & { readonly username?: string }
import { checkHostname, checkUsername } from './check-values.js'
import type { ProblemList } from './problems.js'

const IMPLICIT_TLS_PORT = { imap: 993, pop3: 995, smtp: 465 } as const
// Thunderbird infers STARTTLS only on these ports (CLIENTS.md §2); GNOME picks ports from the security.
const STARTTLS_PORTS = { imap: [143], pop3: [110], smtp: [587, 25] } as const

function warnAboutPort(server: ServerDraft, path: string, problems: ProblemList): void {
  const { protocol, port, security } = server
  if (security === 'none') {
    problems.warn(
      `${path}.security`,
      'passwords travel in clear text; autoconfig leaves this server out (K-9 discards files with plain servers)',
    )
  } else if (security === 'starttls' && !(STARTTLS_PORTS[protocol] as readonly number[]).includes(port)) {
    problems.warn(
      `${path}.port`,
      `STARTTLS on port ${port}: Thunderbird and FairEmail expect STARTTLS only on ${STARTTLS_PORTS[protocol].join('/')}, GNOME ignores the port`,
    )
  } else if (security === 'tls' && port !== IMPLICIT_TLS_PORT[protocol]) {
    problems.warn(
      `${path}.port`,
      `TLS on port ${port}: GNOME Online Accounts ignores the port and uses ${IMPLICIT_TLS_PORT[protocol]}`,
    )
  }
  if (!server.authentication.some((method) => method !== 'OAuth2')) {
    problems.warn(
      `${path}.authentication`,
      'only OAuth2: Thunderbird drops OAuth2-only servers for providers outside its built-in list',
    )
  }
}

/**
 * Normalises one list of servers where it is written (defaults or a domain), so that each problem is
 * reported once at its own path, however many domains inherit the list.
 */
export function buildServers(
  entries: readonly (IncomingServerEntry | OutgoingServerEntry)[],
  path: string,
  problems: ProblemList,
): ServerDraft[] {
  return entries.map((entry, index) => {
    const at = `${path}[${index}]`
    const server: ServerDraft = Object.freeze({
      protocol: entry.type,
      hostname: checkHostname(entry.hostname, `${at}.hostname`, problems),
      port: entry.port,
      security: entry.security,
      authentication: Object.freeze([
        ...(entry.authentication ?? ['password-cleartext']),
      ]) as readonly Authentication[],
      ...(entry.username === undefined
        ? {}
        : { username: checkUsername(entry.username, `${at}.username`, problems) }),
    })
    warnAboutPort(server, at, problems)
    return server
  })
}
