import { parseArgs } from 'node:util'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../app.js'
import { CLIENT_FAMILIES } from '../check/client-families.js'
import { exitCodeFor, formatReports } from '../check/format-report.js'
import { runChecks } from '../check/run-check.js'
import { httpTransport, injectTransport } from '../check/transports.js'
import type { Transport } from '../check/types.js'
import { type EmailAddress, parseAddress } from '../common/address.js'
import { createLogger } from '../logging/logger.js'
import { DEFAULT_CONFIG_PATH } from '../server.js'
import { loadSettings } from '../settings/load-settings.js'
import { SettingsError, formatProblem } from '../settings/problems.js'
import { createSnapshot } from '../state/snapshot.js'
import { SnapshotStore } from '../state/snapshot-store.js'
import { type CliIo, type Command, EXIT_FAILED, UsageError } from './usage.js'

const HELP = `Usage: mailsetup check <address> [--config FILE] [--json]
       mailsetup check <address> --url BASE [--timeout MS] [--json]

For each client family (${CLIENT_FAMILIES.map((f) => f.name).join(', ')}), shows the URL it would
request, what it would receive (server, port, security, username) and a verdict against that client's rules.

Without --url, the answers come from the config file (default: $MAILSETUP_CONFIG, else
config/mailsetup.yaml), rendered in-process by the same code the server runs. With --url, the same
requests go over HTTP(S) to a running deployment, each with the Host header the real client would send.

Options:
  --config FILE   config file to check against (not with --url)
  --url BASE      base URL of a running deployment, e.g. https://autoconfig.example.com
  --timeout MS    how long to wait for each answer with --url (default: 10000)
  --json          print the reports as JSON

Exit codes: 0 every verdict passes (a format the server does not offer is reported, not failed),
1 a verdict fails, a request gets no answer, or the config cannot be loaded, 2 a usage mistake.

Examples:
  mailsetup check alice@example.com
  mailsetup check alice@example.com --config /etc/mailsetup/mailsetup.yaml --json
  mailsetup check alice@example.com --url https://autoconfig.example.com`

interface CheckOptions {
  readonly address: EmailAddress
  readonly config?: string | undefined
  readonly url?: URL | undefined
  readonly timeoutMs: number
  readonly json: boolean
}

function readOptions(args: string[]): CheckOptions {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(args)
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; see mailsetup check --help`)
  }
  const { values, positionals } = parsed
  if (positionals.length !== 1)
    throw new UsageError('give exactly one email address; see mailsetup check --help')
  const address = parseAddress(positionals[0] as string)
  if (!address.ok) throw new UsageError(`"${positionals[0]}": ${address.reason}`)
  if (values.url !== undefined && values.config !== undefined)
    throw new UsageError('--config and --url exclude each other: --url checks a running deployment')
  const timeoutMs = Number(values.timeout ?? 10_000)
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000)
    throw new UsageError('--timeout must be a whole number of milliseconds from 1 to 600000')
  return {
    address: address.value,
    config: values.config,
    url: readUrl(values.url),
    timeoutMs,
    json: !!values.json,
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string' },
      url: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
    },
  })
}

function readUrl(raw: string | undefined): URL | undefined {
  if (raw === undefined) return undefined
  const url = URL.canParse(raw) ? new URL(raw) : undefined
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new UsageError(`--url "${raw}" is not an http:// or https:// URL`)
  return url
}

function appFromConfig(path: string): FastifyInstance {
  const store = new SnapshotStore(createSnapshot(loadSettings(path)))
  return buildApp({ store, logger: createLogger('silent') })
}

async function check(
  options: CheckOptions,
  transport: Transport,
  source: string,
  io: CliIo,
): Promise<number> {
  const reports = await runChecks(options.address, CLIENT_FAMILIES, transport)
  if (options.json)
    io.stdout(`${JSON.stringify({ address: options.address.address, source, reports }, null, 2)}\n`)
  else io.stdout(formatReports(reports, `Checking ${options.address.address} against ${source}`))
  return exitCodeFor(reports)
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'show what each mail client would get for an address, with a verdict per client',
  help: HELP,
  async run(args, io) {
    const options = readOptions(args)
    if (options.url !== undefined)
      return check(options, httpTransport(options.url, options.timeoutMs), options.url.href, io)
    const path = options.config ?? (io.env.MAILSETUP_CONFIG || DEFAULT_CONFIG_PATH)
    let app: FastifyInstance
    try {
      app = appFromConfig(path)
    } catch (error) {
      /* c8 ignore next -- loadSettings reports every problem as a SettingsError; anything else is a bug */
      if (!(error instanceof SettingsError)) throw error
      for (const problem of error.problems) io.stderr(`error: ${formatProblem(path, problem)}\n`)
      io.stderr(`${error.message}\n`)
      return EXIT_FAILED
    }
    try {
      return await check(options, injectTransport(app), `${path} (in-process)`, io)
    } finally {
      await app.close()
    }
  },
}
