// The typed, immutable settings every endpoint renders from. Built once per load by build-settings.ts
// and swapped whole on reload; nothing here is mutated after it is built.
import type { KeyObject, X509Certificate } from 'node:crypto'

export type Security = 'tls' | 'starttls' | 'none'
export type Authentication = 'password-cleartext' | 'password-encrypted' | 'OAuth2'
export type MailProtocol = 'imap' | 'pop3' | 'smtp'

export interface MailServer {
  readonly protocol: MailProtocol
  readonly hostname: string
  readonly port: number
  readonly security: Security
  /** In preference order; never empty. */
  readonly authentication: readonly Authentication[]
  /** Template with %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN% (`address` and `localpart` are mapped here). */
  readonly username: string
}

export interface Pop3Options {
  readonly leaveMessagesOnServer: boolean
  readonly daysToLeaveMessagesOnServer?: number
}

export interface ExchangeSettings {
  /** Hostname for EXCH/EXPR `Server`; defaults to the EWS URL's host. */
  readonly server?: string
  readonly ewsUrl?: string
  readonly activeSyncUrl?: string
  readonly oabUrl?: string
  readonly oofUrl?: string
  readonly mapiHttp?: { readonly mailStoreUrl: string; readonly addressBookUrl: string }
  /** Outlook's POX answer: Exchange-style protocols and IMAP/POP3/SMTP (`both`, the default), or one kind. */
  readonly outlook?: OutlookAccount
}

export type OutlookAccount = 'both' | 'exchange' | 'email'

/** Apple configuration profiles (issue 4). */
export interface AppleOptions {
  /** Serve an Exchange ActiveSync account (iOS/iPadOS only) instead of IMAP + DAV when the domain has one. */
  readonly preferActiveSync: boolean
}

export interface DavSettings {
  readonly caldavUrl?: string
  readonly carddavUrl?: string
}

/**
 * The effective settings of one or more domains: defaults merged with a domain's overrides.
 * Domains whose effective settings are equal share one profile (and so its prepared documents).
 */
export interface Profile {
  /** Index into the snapshot's prepared documents. */
  readonly id: number
  /** Servers in preference order. */
  readonly incoming: readonly MailServer[]
  readonly outgoing: readonly MailServer[]
  readonly pop3: Pop3Options
  readonly exchange?: ExchangeSettings
  readonly dav?: DavSettings
  readonly webmailUrl?: string
  readonly apple: AppleOptions
}

export interface HostedDomain {
  /** Lower-case ASCII (A-label) form. */
  readonly name: string
  /** Unicode form, for humans. */
  readonly displayName: string
  /** ASCII forms. */
  readonly aliases: readonly string[]
  readonly profile: Profile
  /** Autodiscover answers `redirectAddr` to the address at `name` for addresses at an alias. */
  readonly aliasRedirect?: boolean
  /** Hosted elsewhere: Autodiscover answers `redirectUrl` (https) with this URL. */
  readonly redirectUrl?: string
}

export interface Provider {
  /** A hostname (K-9 rejects anything else as emailProvider id). */
  readonly id: string
  readonly name: string
  readonly shortName: string
  readonly documentationUrl?: string
}

/** The identity that signs Apple profiles (CMS SignedData), checked and loaded with the settings. */
export interface ProfileSigning {
  readonly certificate: X509Certificate
  readonly key: KeyObject
  /** Intermediate certificates, sent along so devices can build the path to a root they trust. */
  readonly chain: readonly X509Certificate[]
}

export interface ServiceOptions {
  readonly publicUrl?: string
  /** Autodiscover's HTTP redirect method: 302 plain-http GETs to the HTTPS endpoint. */
  readonly httpsRedirect?: boolean
  /** Fixed when the server starts (a reload does not change them). */
  readonly limits: ServiceLimits
  /** Per client address; undefined when switched off. Read per request, so a reload applies it. */
  readonly rateLimit?: RateLimitSettings
  readonly profileSigning?: ProfileSigning
  /** Built-in HTTPS (issue 7). Switching it on or off takes a restart; certificates reload. */
  readonly tls?: TlsSettings
  /** Fastify's trustProxy: `true`, or addresses / CIDR ranges / keywords. Takes a restart. */
  readonly trustProxy?: TrustProxy
}

export interface ServiceLimits {
  readonly maxBodyBytes: number
  readonly maxUrlLength: number
  readonly maxHeaderBytes: number
  readonly maxConnections: number
  readonly headersTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly idleTimeoutMs: number
  readonly keepAliveTimeoutMs: number
}

export interface RateLimitSettings {
  readonly requestsPerMinute: number
  /** Requests allowed at once before the per-minute rate applies. */
  readonly burst: number
}

export interface TlsCertificateFiles {
  /** PEM files, as written in the config (relative paths are relative to the config file). */
  readonly cert: string
  readonly key: string
}

export interface TlsSettings {
  /** The first is served to clients that send no server name (SNI); the others by their names. */
  readonly certificates: readonly TlsCertificateFiles[]
}

export type TrustProxy = boolean | readonly string[]

export interface Settings {
  readonly provider: Provider
  readonly service: ServiceOptions
  readonly domains: readonly HostedDomain[]
  readonly profiles: readonly Profile[]
  /** Canonical names and aliases (ASCII, lower case) to their domain: one O(1) lookup per request. */
  readonly lookup: ReadonlyMap<string, HostedDomain>
  /** Where the settings came from, for logs and the CLI. */
  readonly source: string
}

/** One thing wrong (or risky) in a config file, with its path in the file. */
export interface Problem {
  readonly path: string
  readonly message: string
  /** 1-based line in the file, when known. */
  readonly line?: number
}
