import { readFileSync } from 'node:fs'
import { normalizeDomain } from '../common/domain-name.js'
import { allPassed } from '../dns/check-result.js'
import { formatReport, runDoctor } from '../dns/doctor.js'
import { findServiceHost } from '../dns/expected-records.js'
import { DEFAULT_TTL } from '../dns/format-zone.js'
import { parseAddressPort } from '../dns/lookup.js'
import { createSnapshot } from '../state/snapshot.js'
import { configPath, integerOption, loadSettingsFor, parseCommandArgs } from './command-options.js'
import { type Command, EXIT_FAILED, EXIT_OK, UsageError } from './usage.js'

const OPTIONS = {
  resolver: { type: 'string' },
  connect: { type: 'string' },
  ca: { type: 'string' },
  timeout: { type: 'string' },
  ttl: { type: 'string' },
  json: { type: 'boolean' },
  config: { type: 'string' },
} as const

function addressOption(name: string, raw: string | undefined, defaultPort: number) {
  if (raw === undefined) return undefined
  const parsed = parseAddressPort(raw, defaultPort)
  if (parsed === undefined)
    throw new UsageError(`--${name} takes an IP address with an optional port (got "${raw}")`)
  return parsed
}

function readCa(path: string | undefined): string | undefined {
  if (path === undefined) return undefined
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new UsageError(`--ca: cannot read ${path} (${(error as NodeJS.ErrnoException).code})`)
  }
}

function domainArgument(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError('give one domain; see mailsetup doctor --help')
  const name = normalizeDomain(positionals[0] as string)
  if (name === undefined) throw new UsageError(`"${positionals[0]}" is not a valid domain name`)
  return name
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check a live domain: its DNS records, the HTTPS service names and MX',
  help: `Usage: mailsetup doctor <domain> [--resolver IP[:port]] [--json] [--config F]
                        [--connect IP[:port]] [--ca FILE] [--timeout MS] [--ttl N]

Checks a live hosted domain (or alias) against the config and prints PASS / WARN / FAIL per check,
each failure with its fix (the exact zone line to publish):
  - every record \`mailsetup dns <domain>\` prints exists and matches (missing, wrong target, wrong port);
  - https://autoconfig.<domain> (autoconfig GET) and https://autodiscover.<domain> (POX Autodiscover
    POST) answer with a certificate valid for that name and with the servers of the settings;
  - MX records exist (informational: a warning, never a failure).

Options:
  --resolver IP[:port]  ask this DNS server (default: the system's resolvers)
  --connect IP[:port]   make the HTTPS checks connect here instead of the names' DNS addresses
                        (port 443 by default); TLS still verifies the certificate for each name
  --ca FILE             trust the CA certificates in this PEM file instead of the system's
  --timeout MS          limit for each DNS try and each HTTPS request (default: 5000)
  --ttl N               TTL in the suggested zone lines (default: ${DEFAULT_TTL})
  --json                the results as JSON
  --config F            config file (default: $MAILSETUP_CONFIG, else config/mailsetup.yaml)

Exit codes: 0 nothing failed (warnings allowed), 1 a check failed (or a config problem, or the domain
is not hosted), 2 usage mistake.

Examples:
  mailsetup doctor example.com
  mailsetup doctor example.com --resolver 1.1.1.1 --json
  mailsetup doctor example.com --resolver 127.0.0.1:5353 --connect 127.0.0.1:8443 --ca test-ca.pem`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('doctor', args, OPTIONS)
    const name = domainArgument(positionals)
    const options = {
      timeoutMs: integerOption('timeout', values.timeout, 5000, 600_000),
      ttl: integerOption('ttl', values.ttl, DEFAULT_TTL, 2_147_483_647),
      resolver: values.resolver,
      connect: addressOption('connect', values.connect, 443),
      ca: readCa(values.ca),
    }
    addressOption('resolver', values.resolver, 53)
    const path = configPath(values.config, io)
    const loaded = loadSettingsFor(path, io)
    if (loaded === undefined) return EXIT_FAILED
    const { settings } = loaded
    if (!settings.lookup.has(name)) {
      io.stderr(`mailsetup doctor: ${name} is not a hosted domain or alias in ${path}\n`)
      return EXIT_FAILED
    }
    const service = findServiceHost(settings)
    if (service === undefined) {
      io.stderr(
        `mailsetup doctor: set service.publicUrl in ${path}: the expected records point at its host\n`,
      )
      return EXIT_FAILED
    }
    const report = await runDoctor(createSnapshot(loaded), name, { ...options, service })
    io.stdout(
      values.json
        ? `${JSON.stringify({ ...report, ok: allPassed(report.checks) }, null, 2)}\n`
        : formatReport(report),
    )
    return allPassed(report.checks) ? EXIT_OK : EXIT_FAILED
  },
}
