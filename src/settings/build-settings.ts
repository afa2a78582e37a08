import { dirname } from 'node:path'
import { displayDomain, isPlainName, normalizeDomain } from '../common/domain-name.js'
import { PROFILE_KEYS, type ProfileDraft, checkProfile, draftProfile, mergeProfile } from './build-profile.js'
import { buildNetworkOptions } from './check-network.js'
import { checkHostname, checkUrl } from './check-values.js'
import type { HostedDomain, Profile, Provider, ServiceOptions, Settings } from './model.js'
import { loadProfileSigning } from './load-signing.js'
import type { ProblemList } from './problems.js'
import type { ConfigFile, DomainEntry } from './schema.js'
import { buildLimits, buildRateLimit } from './service-limits.js'

function buildProvider(entry: ConfigFile['provider'], problems: ProblemList): Provider {
  const id = checkHostname(entry.id, 'provider.id', problems)
  if (!id.includes('.'))
    problems.error('provider.id', 'must be a fully qualified hostname such as mail.example.net')
  return Object.freeze({
    id,
    name: entry.name,
    shortName: entry.shortName,
    ...(entry.documentationUrl === undefined
      ? {}
      : { documentationUrl: checkUrl(entry.documentationUrl, 'provider.documentationUrl', problems) }),
  })
}

function buildService(entry: ConfigFile['service'], source: string, problems: ProblemList): ServiceOptions {
  const rateLimit = buildRateLimit(entry?.rateLimit)
  const service: { -readonly [K in keyof ServiceOptions]: ServiceOptions[K] } = {
    limits: buildLimits(entry?.limits),
    ...(rateLimit === undefined ? {} : { rateLimit }),
  }
  if (entry?.publicUrl !== undefined)
    service.publicUrl = checkUrl(entry.publicUrl, 'service.publicUrl', problems)
  if (entry?.httpsRedirect === true) {
    // The HTTP redirect method sends Outlook to one fixed HTTPS endpoint (MS-OXDSCLI 3.1.5.1).
    if (!service.publicUrl?.startsWith('https://'))
      problems.error('service.httpsRedirect', 'needs `service.publicUrl` with an https URL to redirect to')
    service.httpsRedirect = true
  }
  if (entry?.profileSigning !== undefined)
    service.profileSigning = loadProfileSigning(entry.profileSigning, dirname(source), problems)
  return Object.freeze({ ...service, ...buildNetworkOptions(entry, problems) })
}

/** Autodiscover's per-domain redirects (issue 3): `redirectUrl` must be https, clients refuse anything else. */
function autodiscoverRedirects(entry: DomainEntry, path: string, problems: ProblemList) {
  const out: { aliasRedirect?: boolean; redirectUrl?: string } = {}
  if (entry.aliasRedirect === true) out.aliasRedirect = true
  if (entry.redirectUrl === undefined) return out
  if (entry.redirectUrl.startsWith('https://'))
    out.redirectUrl = checkUrl(entry.redirectUrl, `${path}.redirectUrl`, problems)
  else problems.error(`${path}.redirectUrl`, 'must be an https URL (Outlook follows only https redirects)')
  return out
}

// What a domain may set besides the profile keys (the schema allows no other key; a test holds the
// two lists to the schema).
export const DOMAIN_ONLY_KEYS: ReadonlySet<string> = new Set([
  'name',
  'aliases',
  'aliasRedirect',
  'redirectUrl',
])

function hasOverrides(entry: DomainEntry): boolean {
  // Over the domain's own keys, usually one or two, rather than looking up eight absent ones: this
  // runs 100,000 times at start-up (issue 9).
  for (const key in entry)
    if (!DOMAIN_ONLY_KEYS.has(key) && entry[key as keyof DomainEntry] !== undefined) return true
  return false
}

/** A domain's profile keys as written: equal text, equal effective settings. */
function overridesKey(entry: DomainEntry): string {
  let key = ''
  for (const name of PROFILE_KEYS) key += `${JSON.stringify(entry[name]) ?? ''}\n`
  return key
}

/**
 * Hands out profiles: domains without overrides share the defaults' profile; others share one per
 * distinct effective settings. With 100,000 domains that keeps prepared documents to a few hundred.
 */
class ProfileCatalog {
  readonly profiles: Profile[] = []
  private readonly byKey = new Map<string, Profile>()
  /**
   * Overrides as written, to their profile: thousands of domains repeating the same overrides skip
   * checking URLs and merging again (issue 9). Only overrides that drafted without a problem are kept,
   * so every domain with a problem still gets it reported at its own path.
   */
  private readonly byOverrides = new Map<string, Profile>()
  private shared?: Profile

  constructor(
    private readonly defaults: ProfileDraft,
    private readonly problems: ProblemList,
  ) {}

  forDomain(entry: DomainEntry, index: number): Profile {
    if (!hasOverrides(entry)) {
      this.shared ??= this.add(mergeProfile(this.profiles.length, this.defaults, {}), `domains[${index}]`)
      return this.shared
    }
    const written = overridesKey(entry)
    const known = this.byOverrides.get(written)
    if (known !== undefined) return known
    const problemsBefore = this.problems.errors.length + this.problems.warnings.length
    const profile = this.byEffectiveSettings(entry, `domains[${index}]`)
    if (this.problems.errors.length + this.problems.warnings.length === problemsBefore)
      this.byOverrides.set(written, profile)
    return profile
  }

  private byEffectiveSettings(entry: DomainEntry, path: string): Profile {
    const candidate = mergeProfile(
      this.profiles.length,
      this.defaults,
      draftProfile(entry, path, this.problems),
    )
    const { id: _, ...rest } = candidate
    const key = JSON.stringify(rest)
    const found = this.byKey.get(key)
    if (found !== undefined) return found
    this.byKey.set(key, candidate)
    return this.add(candidate, path)
  }

  private add(profile: Profile, path: string): Profile {
    checkProfile(profile, path, this.problems)
    this.profiles.push(profile)
    return profile
  }
}

/**
 * Adds a name to the lookup. One hash operation instead of `has` then `set`: a repeated name leaves the
 * size unchanged, and the config is then refused with this error, so the overwritten entry never serves.
 */
function addName(
  lookup: Map<string, HostedDomain>,
  name: string,
  domain: HostedDomain,
  index: number,
  alias: number,
  problems: ProblemList,
) {
  const size = lookup.size
  if (lookup.set(name, domain).size === size)
    problems.error(namePath(index, alias), `${name} is listed more than once (as a domain or an alias)`)
}

const NO_ALIASES: readonly string[] = Object.freeze([])

/** `domains[3].name` (alias -1) or `domains[3].aliases[0]`: made only when there is a problem to report. */
function namePath(index: number, alias: number): string {
  return alias < 0 ? `domains[${index}].name` : `domains[${index}].aliases[${alias}]`
}

/** A name from the config in ASCII form. */
function hostname(value: string, index: number, alias: number, problems: ProblemList): string {
  return normalizeDomain(value) ?? checkHostname(value, namePath(index, alias), problems)
}

function aliasesOf(entry: DomainEntry, index: number, problems: ProblemList): readonly string[] {
  const names = entry.aliases
  if (names === undefined || names.length === 0) return NO_ALIASES
  const out: string[] = new Array(names.length)
  for (let i = 0; i < names.length; i++) out[i] = hostname(names[i] as string, index, i, problems)
  return Object.freeze(out)
}

/**
 * One hosted domain, and its names in the lookup. Runs 100,000 times for a large host, so it allocates
 * nothing that the domain does not keep: no closures, no path strings unless there is a problem
 * (issue 9: start-up and reload under a second).
 */
function buildDomain(
  entry: DomainEntry,
  index: number,
  catalog: ProfileCatalog,
  lookup: Map<string, HostedDomain>,
  problems: ProblemList,
): HostedDomain {
  // Most names are plain ASCII: one check gives both forms (normalizeDomain and displayDomain each
  // start with it).
  const plain = isPlainName(entry.name)
  const name = plain ? entry.name : hostname(entry.name, index, -1, problems)
  const aliases = aliasesOf(entry, index, problems)
  const profile = catalog.forDomain(entry, index)
  const displayName = plain ? name : displayDomain(name)
  const domain: HostedDomain = Object.freeze(
    entry.aliasRedirect === undefined && entry.redirectUrl === undefined
      ? { name, displayName, aliases, profile }
      : {
          name,
          displayName,
          aliases,
          profile,
          ...autodiscoverRedirects(entry, `domains[${index}]`, problems),
        },
  )
  addName(lookup, name, domain, index, -1, problems)
  for (let i = 0; i < aliases.length; i++) addName(lookup, aliases[i] as string, domain, index, i, problems)
  return domain
}

/** From a schema-valid config file to immutable settings; semantic problems go to `problems`. */
export function buildSettings(config: ConfigFile, source: string, problems: ProblemList): Settings {
  const provider = buildProvider(config.provider, problems)
  const service = buildService(config.service, source, problems)
  const catalog = new ProfileCatalog(draftProfile(config.defaults ?? {}, 'defaults', problems), problems)
  const lookup = new Map<string, HostedDomain>()
  const entries = config.domains
  const domains: HostedDomain[] = new Array(entries.length)
  for (let i = 0; i < entries.length; i++)
    domains[i] = buildDomain(entries[i] as DomainEntry, i, catalog, lookup, problems)
  return Object.freeze({
    provider,
    service,
    domains: Object.freeze(domains),
    profiles: Object.freeze(catalog.profiles),
    lookup,
    source,
  })
}
