// The HTTPS half of `mailsetup doctor`: `autoconfig.<domain>` and `autodiscover.<domain>` must answer
// over HTTPS with a certificate valid for that name (clients refuse anything else) and serve the
// autoconfig document of this domain with the servers the settings list (CLIENTS.md §1, §4).
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { orderIncoming } from '../render/autoconfig.js'
import type { MailServer, Profile } from '../settings/model.js'
import { type CheckResult, fail, pass } from './check-result.js'
import { FetchError, fetchDocument } from './https-fetch.js'
import type { Lookups } from './lookup.js'

export const AUTOCONFIG_PATH = '/mail/config-v1.1.xml'

export interface HttpsCheckOptions {
  readonly lookups: Lookups
  /** `--connect`: connect here instead of the address DNS gives (same for both names). */
  readonly connect?: { readonly address: string; readonly port: number }
  readonly ca?: string
  readonly timeoutMs: number
}

const SOCKET_TYPE: Record<string, string> = { tls: 'SSL', starttls: 'STARTTLS' }

/** What a client would configure, one line per server in document order: `imap imap.example.com:993 SSL`. */
export function expectedServers(profile: Profile): string[] {
  const line = (s: MailServer) => `${s.protocol} ${s.hostname}:${s.port} ${SOCKET_TYPE[s.security]}`
  const outgoing = profile.outgoing.filter((s) => s.security !== 'none')
  return [...orderIncoming(profile.incoming, false), ...outgoing].map(line)
}

/** The servers of a served clientConfig, same form; undefined when the body is not such a document. */
export function servedServers(body: string): string[] | undefined {
  // Strict like the clients: well-formed, no DTD (no entity tricks), no namespace prefixes.
  if (body.includes('<!DOCTYPE') || XMLValidator.validate(body) !== true) return undefined
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    processEntities: false,
    isArray: (name) => name === 'incomingServer' || name === 'outgoingServer',
  })
  const provider = parser.parse(body)?.clientConfig?.emailProvider
  if (typeof provider !== 'object' || provider === null) return undefined
  const servers = [...(provider.incomingServer ?? []), ...(provider.outgoingServer ?? [])]
  return servers.map((s) => `${s['@type']} ${s.hostname}:${s.port} ${s.socketType}`)
}

function compare(check: string, served: string[], expected: string[]): CheckResult {
  const fix = 'point this name at the mailsetup service running the current config (or reload it)'
  if (served.join('\n') === expected.join('\n'))
    return pass(check, `${served.length} servers match the settings`)
  const missing = expected.filter((s) => !served.includes(s))
  const extra = served.filter((s) => !expected.includes(s))
  const parts = [
    missing.length > 0 ? `missing ${missing.join(', ')}` : '',
    extra.length > 0 ? `unexpected ${extra.join(', ')}` : '',
  ].filter((p) => p !== '')
  return fail(check, `servers differ from the settings: ${parts.join('; ') || 'different order'}`, fix)
}

async function connectAddress(host: string, options: HttpsCheckOptions) {
  if (options.connect !== undefined) return options.connect
  const answer = await options.lookups.addresses(host)
  if (answer.kind !== 'found') return undefined
  return { address: answer.records[0] as string, port: 443 }
}

/** Fetches the autoconfig document over HTTPS from `host` and compares its servers with the profile. */
export async function checkServiceHost(host: string, profile: Profile, options: HttpsCheckOptions) {
  const check = `HTTPS ${host}`
  const where = await connectAddress(host, options)
  if (where === undefined)
    return fail(check, 'no address for this name', `publish the records above for ${host}`)
  try {
    const document = await fetchDocument({ host, path: AUTOCONFIG_PATH, ...where, ...options })
    if (document.status !== 200)
      return fail(
        check,
        `GET ${AUTOCONFIG_PATH} answered ${document.status}`,
        'point this name at the mailsetup service',
      )
    const served = /^(application|text)\/xml/.test(document.contentType)
      ? servedServers(document.body)
      : undefined
    if (served === undefined)
      return fail(
        check,
        `GET ${AUTOCONFIG_PATH} is not an autoconfig document`,
        'point this name at the mailsetup service',
      )
    return compare(check, served, expectedServers(profile))
  } catch (error) {
    /* c8 ignore next: fetchDocument rejects only with FetchError */
    if (!(error instanceof FetchError)) throw error
    const fix =
      error.code.includes('CERT') || error.message.includes('certificate')
        ? `install a certificate valid for ${host} (in its subjectAltName), issued by a trusted CA`
        : `make ${host} answer HTTPS on port ${where.port}`
    return fail(check, error.message, fix)
  }
}
