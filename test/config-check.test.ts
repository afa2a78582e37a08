// Start-up checks a config with a check generated from the schema (issue 9: TypeBox is a fifth of a
// second to load). It must stay the schema's own check: the committed file is what the generator writes
// today, and it answers as TypeBox's compiled check does for valid configs and thousands of broken ones.
import { readFileSync } from 'node:fs'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import fc from 'fast-check'
import t from 'tap'
import { parse } from 'yaml'
import { PROFILE_KEYS } from '../src/settings/build-profile.js'
import { DOMAIN_ONLY_KEYS } from '../src/settings/build-settings.js'
import { checkConfigShape } from '../src/settings/config-check.generated.js'
import { configCheckModule, GENERATED_CHECK_FILE } from '../src/settings/config-check-source.js'
import { configSchemas } from '../src/settings/schema.js'
import { validateSchema } from '../src/settings/validate-schema.js'
import { baseConfig, type Json } from './helpers/settings.js'

const ROOT = new URL('..', import.meta.url)
const typeBoxCheck = TypeCompiler.Compile(configSchemas().ConfigFileSchema)
const generatedCheck = checkConfigShape as (value: unknown) => boolean

/** A config using every key, so that a mutation can hit each of them. */
function fullConfig(): Json {
  const server = { hostname: 'h.test.example', port: 1, security: 'tls', authentication: ['OAuth2'] }
  return baseConfig({
    service: {
      publicUrl: 'https://a.test.example',
      httpsRedirect: true,
      limits: { maxBodyBytes: 9000, keepAliveTimeoutMs: 100 },
      rateLimit: { requestsPerMinute: 60, burst: 5 },
      profileSigning: { certificate: 'c.pem', key: 'k.pem', chain: 'ch.pem' },
      tls: { certificates: [{ cert: 'c.pem', key: 'k.pem' }] },
      trustProxy: ['10.0.0.1'],
    },
    domains: [
      {
        name: 'test.example',
        aliases: ['alias.test.example'],
        aliasRedirect: true,
        redirectUrl: 'https://elsewhere.test.example/autodiscover/autodiscover.xml',
        username: 'localpart',
        incoming: [{ ...server, type: 'pop3', username: '%EMAILADDRESS%' }],
        outgoing: [{ ...server, type: 'smtp' }],
        pop3: { leaveMessagesOnServer: true, daysToLeaveMessagesOnServer: 7 },
        exchange: { server: 'ex.test.example', mapiHttp: { mailStoreUrl: 'u', addressBookUrl: 'v' } },
        dav: { caldavUrl: 'https://dav.test.example/' },
        webmail: null,
        apple: { preferActiveSync: false },
      },
    ],
  })
}

type Path = (string | number)[]

/** Every path to a value inside `value`, the root included. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [prefix]
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value)
  const inner = keys.flatMap((key) =>
    pathsOf((value as Record<string | number, unknown>)[key], [...prefix, key]),
  )
  return [prefix, ...inner]
}

/** A copy of `value` with the value at `path` replaced (or, with `remove`, deleted). */
function replaced(value: unknown, path: Path, next: unknown, remove: boolean): unknown {
  if (path.length === 0) return next
  const copy = structuredClone(value) as Record<string | number, unknown>
  let parent = copy
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>
  const last = path[path.length - 1] as string | number
  if (remove && Array.isArray(parent)) parent.splice(last as number, 1)
  else if (remove) delete parent[last]
  else parent[last] = next
  return copy
}

t.test('the committed check is what the generator writes from the schema today', async (t) => {
  const committed = readFileSync(new URL(GENERATED_CHECK_FILE, ROOT), 'utf8')
  t.equal(committed, configCheckModule(), 'out of date: run `npm run generate:config-check`')
})

t.test('valid configs pass both checks, the shipped example included', async (t) => {
  const shipped = parse(readFileSync(new URL('config/mailsetup.yaml', ROOT), 'utf8')) as unknown
  for (const config of [shipped, baseConfig(), fullConfig()]) {
    t.equal(typeBoxCheck.Check(config), true)
    t.equal(generatedCheck(config), true)
    t.same(validateSchema(config), { config, problems: [] })
  }
})

t.test('a broken config fails the generated check exactly when it fails TypeBox', async (t) => {
  const full = fullConfig()
  const paths = pathsOf(full)
  // Values of the right and wrong kinds: duplicates for `authentication`, edge numbers for ports.
  const replacement = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom('OAuth2', 'tls', 'imap', 'smtp', '', 'x'.repeat(254), 0, 65536, 1.5, -1, null),
    fc.constant(['OAuth2', 'OAuth2']),
    fc.constant(['password-cleartext', 'OAuth2']),
  )
  let failing = 0
  fc.assert(
    fc.property(fc.constantFrom(...paths), replacement, fc.boolean(), (path, next, remove) => {
      const value = replaced(full, path, next, remove)
      const expected = typeBoxCheck.Check(value)
      if (!expected) failing++
      return generatedCheck(value) === expected && (validateSchema(value).config !== undefined) === expected
    }),
    { numRuns: 3000, seed: 9 },
  )
  t.ok(failing > 1000, `most mutations break the config (${failing} of 3000)`)
})

t.test('a config failing the check lists its problems through TypeBox, as before', async (t) => {
  const { config, problems } = validateSchema(baseConfig({ domains: [{ name: 'test.example', port: 1 }] }))
  t.equal(config, undefined)
  t.same(problems, [{ path: 'domains[0].port', message: 'unknown key' }])
})

// buildSettings tells a domain with overrides by its keys outside DOMAIN_ONLY_KEYS.
t.test(
  "a domain's keys are the domain-only keys and the profile keys, as the schema lists them",
  async (t) => {
    const schemaKeys = Object.keys(configSchemas().DomainSchema.properties).sort()
    t.same([...DOMAIN_ONLY_KEYS, ...PROFILE_KEYS].sort(), schemaKeys)
  },
)
