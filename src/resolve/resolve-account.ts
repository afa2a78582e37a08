import { parseAddress } from '../common/address.js'
import { normalizeDomain } from '../common/domain-name.js'
import { MailsetupError } from '../errors.js'
import type { HostedDomain, Profile, Provider, Settings } from '../settings/model.js'
import { type Identity, placeholderIdentity } from './identity.js'

/** Everything a renderer needs for one answer. */
export interface Account {
  readonly provider: Provider
  readonly domain: HostedDomain
  readonly profile: Profile
  /** Placeholders when the client did not send an address (see `addressKnown`). */
  readonly identity: Identity
  readonly addressKnown: boolean
}

// Clients reach the service as autoconfig.<domain> (Mozilla) and autodiscover.<domain> (Microsoft).
const SERVICE_PREFIXES = ['autoconfig.', 'autodiscover.']

/** The hosted domain for a name, or undefined. One Map lookup: O(1) with 100,000 domains. */
export function findDomain(settings: Settings, name: string): HostedDomain | undefined {
  return settings.lookup.get(name)
}

/** Host header → hosted domain: the host itself (`.well-known` on the mail domain), or minus a service prefix. */
export function domainFromHost(settings: Settings, host: string): HostedDomain | undefined {
  const bare = host.startsWith('[') ? host : host.replace(/:\d*$/, '')
  const name = normalizeDomain(bare)
  if (name === undefined) return undefined
  const exact = findDomain(settings, name)
  if (exact !== undefined) return exact
  const prefix = SERVICE_PREFIXES.find((p) => name.startsWith(p))
  return prefix === undefined ? undefined : findDomain(settings, name.slice(prefix.length))
}

function unknownDomain(): MailsetupError {
  return new MailsetupError('unknown-domain', 'this domain is not hosted here')
}

/** An account for an address; throws `bad-address` or `unknown-domain`. */
export function resolveAddress(settings: Settings, raw: string): Account {
  const parsed = parseAddress(raw)
  if (!parsed.ok) throw new MailsetupError('bad-address', parsed.reason)
  const domain = findDomain(settings, parsed.value.domain)
  if (domain === undefined) throw unknownDomain()
  return {
    provider: settings.provider,
    domain,
    profile: domain.profile,
    identity: parsed.value,
    addressKnown: true,
  }
}

/** An account from the address if the client sent one, else from the Host header. */
export function resolveAccount(
  settings: Settings,
  request: { address?: string | undefined; host?: string | undefined },
): Account {
  if (request.address !== undefined) return resolveAddress(settings, request.address)
  const domain = request.host === undefined ? undefined : domainFromHost(settings, request.host)
  if (domain === undefined) throw unknownDomain()
  return {
    provider: settings.provider,
    domain,
    profile: domain.profile,
    identity: placeholderIdentity(domain.name),
    addressKnown: false,
  }
}
