// `mailsetup doctor`: checks a live domain against its settings — the DNS records `mailsetup dns`
// prints, the HTTPS service names, and MX (informational). Every network step has a timeout.
import type { Snapshot } from '../state/snapshot.js'
import type { CheckResult } from './check-result.js'
import { checkMx, checkRecords } from './doctor-dns.js'
import { checkServiceHost } from './doctor-https.js'
import { expectedRecords, type ServiceHost } from './expected-records.js'
import { autoconfigProbe, autodiscoverProbe } from './service-probes.js'
import { Lookups } from './lookup.js'

export interface DoctorOptions {
  readonly service: ServiceHost
  /** `--resolver`: IP[:port]; the system's resolvers when absent. */
  readonly resolver?: string
  readonly connect?: { readonly address: string; readonly port: number }
  readonly ca?: string
  readonly timeoutMs: number
  readonly ttl: number
}

export interface DoctorReport {
  readonly domain: string
  readonly checks: readonly CheckResult[]
}

/** Runs every check for a hosted name (domain or alias); the caller has checked that it is hosted. */
export async function runDoctor(
  snapshot: Snapshot,
  name: string,
  options: DoctorOptions,
): Promise<DoctorReport> {
  const { settings } = snapshot
  const domain = settings.lookup.get(name)
  const records = expectedRecords(settings, name, options.service)
  /* c8 ignore next: the CLI only passes hosted names */
  if (domain === undefined || records === undefined) throw new Error(`${name} is not hosted`)
  const lookups = new Lookups({ timeoutMs: options.timeoutMs, server: options.resolver })
  const https = { lookups, timeoutMs: options.timeoutMs, connect: options.connect, ca: options.ca }
  const [dns, mx, ...hosts] = await Promise.all([
    checkRecords(records, { lookups, ttl: options.ttl }),
    checkMx(name, lookups),
    checkServiceHost(`autoconfig.${name}`, autoconfigProbe(domain.profile, name), https),
    checkServiceHost(`autodiscover.${name}`, autodiscoverProbe(snapshot, name), https),
  ])
  return { domain: name, checks: [...dns, ...hosts, mx] }
}

const LABEL = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const

/** One line per check, each failure followed by its fix, then a count. */
export function formatReport(report: DoctorReport): string {
  const lines = [`mailsetup doctor: ${report.domain}`]
  for (const c of report.checks) {
    lines.push(`${LABEL[c.status]}  ${c.check}: ${c.detail}`)
    if (c.fix !== undefined) lines.push(`      fix: ${c.fix}`)
  }
  const count = (status: CheckResult['status']) => report.checks.filter((c) => c.status === status).length
  const warnings = count('warn')
  lines.push(
    `${count('pass')} passed, ${warnings} warning${warnings === 1 ? '' : 's'}, ${count('fail')} failed`,
  )
  return `${lines.join('\n')}\n`
}
