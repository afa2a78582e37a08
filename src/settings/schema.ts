// The config file's shape, as a JSON Schema built with TypeBox. Semantic checks that a schema
// cannot express (lengths of IDN names, URL schemes, duplicate domains) live in build-settings.ts and
// check-*.ts.
// Built on first use: start-up checks a config with the check generated from this schema
// (config-check.generated.ts) and needs TypeBox, a fifth of a second to load, only to list the problems
// of a config that fails it (issue 9).
import { createRequire } from 'node:module'
import type * as TypeBox from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'

function defineSchemas(Type: typeof TypeBox.Type) {
  const count = (maximum: number) => Type.Integer({ minimum: 1, maximum })

  const LimitsSchema = Type.Object(
    {
      maxBodyBytes: Type.Optional(count(1024 * 1024)),
      maxUrlLength: Type.Optional(Type.Integer({ minimum: 256, maximum: 65536 })),
      maxHeaderBytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 65536 })),
      maxConnections: Type.Optional(count(1_000_000)),
      headersTimeoutMs: Type.Optional(count(600_000)),
      requestTimeoutMs: Type.Optional(count(600_000)),
      idleTimeoutMs: Type.Optional(count(600_000)),
      keepAliveTimeoutMs: Type.Optional(count(600_000)),
    },
    { additionalProperties: false },
  )

  const RateLimitSchema = Type.Union([
    Type.Object(
      { requestsPerMinute: count(1_000_000), burst: Type.Optional(count(1_000_000)) },
      { additionalProperties: false },
    ),
    Type.Null(),
  ])

  const Hostname = Type.String({ minLength: 1, maxLength: 253 })
  const HttpUrl = Type.String({ minLength: 1, maxLength: 2048 })

  const SecuritySchema = Type.Union([Type.Literal('tls'), Type.Literal('starttls'), Type.Literal('none')])

  const AuthenticationSchema = Type.Union([
    Type.Literal('password-cleartext'),
    Type.Literal('password-encrypted'),
    Type.Literal('OAuth2'),
  ])

  /** `address`, `localpart`, or a template using %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN%. */
  const UsernameSchema = Type.String({ minLength: 1, maxLength: 320 })

  const ServerFields = {
    hostname: Hostname,
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    security: SecuritySchema,
    authentication: Type.Optional(Type.Array(AuthenticationSchema, { minItems: 1, uniqueItems: true })),
    username: Type.Optional(UsernameSchema),
  }

  const IncomingServerSchema = Type.Object(
    { type: Type.Union([Type.Literal('imap'), Type.Literal('pop3')]), ...ServerFields },
    { additionalProperties: false },
  )

  const OutgoingServerSchema = Type.Object(
    { type: Type.Literal('smtp'), ...ServerFields },
    { additionalProperties: false },
  )

  const Pop3OptionsSchema = Type.Object(
    {
      leaveMessagesOnServer: Type.Optional(Type.Boolean()),
      daysToLeaveMessagesOnServer: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    },
    { additionalProperties: false },
  )

  const ExchangeSchema = Type.Object(
    {
      server: Type.Optional(Hostname),
      ewsUrl: Type.Optional(HttpUrl),
      activeSyncUrl: Type.Optional(HttpUrl),
      oabUrl: Type.Optional(HttpUrl),
      oofUrl: Type.Optional(HttpUrl),
      mapiHttp: Type.Optional(
        Type.Object({ mailStoreUrl: HttpUrl, addressBookUrl: HttpUrl }, { additionalProperties: false }),
      ),
      /** Which account type Outlook's POX Autodiscover answer offers (issue 3). */
      outlook: Type.Optional(
        Type.Union([Type.Literal('both'), Type.Literal('exchange'), Type.Literal('email')]),
      ),
    },
    { additionalProperties: false },
  )

  const DavSchema = Type.Object(
    { caldavUrl: Type.Optional(HttpUrl), carddavUrl: Type.Optional(HttpUrl) },
    { additionalProperties: false },
  )

  const AppleSchema = Type.Object(
    { preferActiveSync: Type.Optional(Type.Boolean()) },
    { additionalProperties: false },
  )

  /** Everything a domain may set; `defaults` holds the same keys, and a domain overrides any of them. */
  const ProfileFields = {
    username: Type.Optional(UsernameSchema),
    incoming: Type.Optional(Type.Array(IncomingServerSchema)),
    outgoing: Type.Optional(Type.Array(OutgoingServerSchema)),
    pop3: Type.Optional(Pop3OptionsSchema),
    exchange: Type.Optional(Type.Union([ExchangeSchema, Type.Null()])),
    dav: Type.Optional(Type.Union([DavSchema, Type.Null()])),
    webmail: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
    apple: Type.Optional(AppleSchema),
  }

  const DefaultsSchema = Type.Object(ProfileFields, { additionalProperties: false })

  const DomainSchema = Type.Object(
    {
      name: Hostname,
      aliases: Type.Optional(Type.Array(Hostname)),
      /** Autodiscover: answer `redirectAddr` (the address at `name`) for addresses at an alias. */
      aliasRedirect: Type.Optional(Type.Boolean()),
      /** Autodiscover: the domain is hosted elsewhere; answer `redirectUrl` with this https URL. */
      redirectUrl: Type.Optional(HttpUrl),
      ...ProfileFields,
    },
    { additionalProperties: false },
  )

  const ProviderSchema = Type.Object(
    {
      id: Hostname,
      name: Type.String({ minLength: 1, maxLength: 60 }),
      shortName: Type.String({ minLength: 1, maxLength: 20 }),
      documentationUrl: Type.Optional(HttpUrl),
    },
    { additionalProperties: false },
  )

  const FilePath = Type.String({ minLength: 1, maxLength: 4096 })

  /** PEM files for signing Apple profiles; relative paths are resolved against the config file's folder. */
  const ProfileSigningSchema = Type.Object(
    { certificate: FilePath, key: FilePath, chain: Type.Optional(FilePath) },
    { additionalProperties: false },
  )

  const TlsSchema = Type.Object(
    {
      certificates: Type.Array(
        Type.Object({ cert: FilePath, key: FilePath }, { additionalProperties: false }),
        {
          minItems: 1,
        },
      ),
    },
    { additionalProperties: false },
  )

  /**
   * Fastify's trustProxy: true, or a comma-separated string / list of addresses. (A hop count is left
   * out: fastify 5.12 trusts nobody for a number, since it cannot check the immediate peer.)
   */
  const TrustProxySchema = Type.Union([
    Type.Boolean(),
    Type.String({ minLength: 1, maxLength: 2048 }),
    Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1 }),
  ])

  const ServiceSchema = Type.Object(
    {
      /** Public HTTPS base URL of this service, e.g. https://autoconfig.example.net. */
      publicUrl: Type.Optional(HttpUrl),
      /** Autodiscover's HTTP redirect method: plain-http GETs get a 302 to <publicUrl>/autodiscover/autodiscover.xml. */
      httpsRedirect: Type.Optional(Type.Boolean()),
      limits: Type.Optional(LimitsSchema),
      rateLimit: Type.Optional(RateLimitSchema),
      profileSigning: Type.Optional(ProfileSigningSchema),
      tls: Type.Optional(TlsSchema),
      trustProxy: Type.Optional(TrustProxySchema),
    },
    { additionalProperties: false },
  )

  const ConfigFileSchema = Type.Object(
    {
      provider: ProviderSchema,
      service: Type.Optional(ServiceSchema),
      defaults: Type.Optional(DefaultsSchema),
      domains: Type.Array(DomainSchema, { minItems: 1 }),
    },
    { additionalProperties: false },
  )

  return {
    ConfigFileSchema,
    DomainSchema,
    DefaultsSchema,
    ProfileSigningSchema,
    IncomingServerSchema,
    OutgoingServerSchema,
  }
}

type Schemas = ReturnType<typeof defineSchemas>
let schemas: Schemas | undefined

/** The config schemas, built (and TypeBox loaded) on the first call. */
export function configSchemas(): Schemas {
  schemas ??= defineSchemas((createRequire(import.meta.url)('@sinclair/typebox') as typeof TypeBox).Type)
  return schemas
}

export type ConfigFile = Static<Schemas['ConfigFileSchema']>
export type DomainEntry = Static<Schemas['DomainSchema']>
export type DefaultsEntry = Static<Schemas['DefaultsSchema']>
export type ProfileSigningEntry = Static<Schemas['ProfileSigningSchema']>
export type IncomingServerEntry = Static<Schemas['IncomingServerSchema']>
export type OutgoingServerEntry = Static<Schemas['OutgoingServerSchema']>
