import { normalizeDomain } from '../common/domain-name.js'
import {
  type ExpectedRecord,
  expectedRecords,
  findServiceHost,
  hostedNames,
} from '../dns/expected-records.js'
import { DEFAULT_TTL, formatZone, zoneJson } from '../dns/format-zone.js'
import type { Settings } from '../settings/model.js'
import { configPath, integerOption, loadSettingsFor, parseCommandArgs } from './command-options.js'
import { type CliIo, type Command, EXIT_FAILED, EXIT_OK, UsageError } from './usage.js'

const OPTIONS = {
  all: { type: 'boolean' },
  json: { type: 'boolean' },
  config: { type: 'string' },
  ttl: { type: 'string' },
} as const

/** The names to print: the one asked for (a domain or an alias), or every hosted name with `--all`. */
function namesToPrint(settings: Settings, all: boolean, positionals: string[]): string[] | string {
  if (all) {
    if (positionals.length > 0) throw new UsageError('give a domain or --all, not both')
    return hostedNames(settings)
  }
  if (positionals.length !== 1) throw new UsageError('give one domain (or --all); see mailsetup dns --help')
  const raw = positionals[0] as string
  const name = normalizeDomain(raw)
  if (name === undefined) throw new UsageError(`"${raw}" is not a valid domain name`)
  if (!settings.lookup.has(name)) return `${name} is not a hosted domain or alias in ${settings.source}`
  return [name]
}

interface Zone {
  readonly name: string
  readonly records: readonly ExpectedRecord[]
}

function print(io: CliIo, zones: readonly Zone[], format: { json: boolean; all: boolean; ttl: number }) {
  if (format.json) {
    const documents = zones.map((z) => zoneJson(z.name, z.records, format.ttl))
    io.stdout(`${JSON.stringify(format.all ? documents : documents[0], null, 2)}\n`)
  } else {
    io.stdout(zones.map((z) => formatZone(z.name, z.records, format.ttl)).join('\n'))
  }
}

export const dnsCommand: Command = {
  name: 'dns',
  summary: 'print the DNS records a hosted domain should publish (zone-file lines or JSON)',
  help: `Usage: mailsetup dns <domain> [--json] [--ttl N] [--config F]
       mailsetup dns --all [--json] [--ttl N] [--config F]

Prints the records a hosted domain (or alias) should publish, as zone-file lines with absolute
names that an operator can paste: autoconfig/autodiscover CNAMEs to the host of service.publicUrl,
the _autodiscover._tcp SRV, RFC 6186 / RFC 8314 SRV records for IMAP, POP3 and submission (priority
= the configured preference order; target "." for a service not offered), and RFC 6764 CalDAV /
CardDAV SRV + TXT path= records when dav is configured.

Options:
  --all        every hosted domain and alias
  --json       the same records as JSON
  --ttl N      TTL of every record, in seconds (default: ${DEFAULT_TTL})
  --config F   config file (default: $MAILSETUP_CONFIG, else config/mailsetup.yaml)

Exit codes: 0 printed, 1 config problem or domain not hosted, 2 usage mistake.

Examples:
  mailsetup dns example.com
  mailsetup dns --all --ttl 300 > mailsetup-records.zone
  mailsetup dns example.com --json`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('dns', args, OPTIONS)
    const ttl = integerOption('ttl', values.ttl, DEFAULT_TTL, 2_147_483_647)
    const path = configPath(values.config, io)
    const loaded = loadSettingsFor(path, io)
    if (loaded === undefined) return EXIT_FAILED
    const { settings } = loaded
    const names = namesToPrint(settings, values.all === true, positionals)
    if (typeof names === 'string') {
      io.stderr(`mailsetup dns: ${names}\n`)
      return EXIT_FAILED
    }
    const service = findServiceHost(settings)
    if (service === undefined) {
      io.stderr(
        `mailsetup dns: set service.publicUrl in ${path}: the autoconfig and autodiscover names point at its host\n`,
      )
      return EXIT_FAILED
    }
    // Every name here is hosted (checked above), so each has its records.
    const zones = names.map((name) => ({ name, records: expectedRecords(settings, name, service)! }))
    print(io, zones, { json: values.json === true, all: values.all === true, ttl })
    return EXIT_OK
  },
}
