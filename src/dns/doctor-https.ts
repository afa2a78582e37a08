// The HTTPS half of `mailsetup doctor`: `autoconfig.<domain>` and `autodiscover.<domain>` must answer
// over HTTPS with a certificate valid for that name (clients refuse anything else) and give the
// answers the settings produce (service-probes.ts says what is asked and expected of each).
import { type CheckResult, fail, pass } from './check-result.js'
import { FetchError, fetchDocument } from './https-fetch.js'
import type { Lookups } from './lookup.js'
import type { ServiceProbe } from './service-probes.js'

export interface HttpsCheckOptions {
  readonly lookups: Lookups
  /** `--connect`: connect here instead of the address DNS gives (same for both names). */
  readonly connect?: { readonly address: string; readonly port: number } | undefined
  readonly ca?: string | undefined
  readonly timeoutMs: number
}

const POINT = 'point this name at the mailsetup service running the current config (or reload it)'

function compare(check: string, served: readonly string[], expected: readonly string[]): CheckResult {
  if (served.join('\n') === expected.join('\n'))
    return pass(check, `the answer matches the settings (${served.join('; ')})`)
  const missing = expected.filter((s) => !served.includes(s))
  const extra = served.filter((s) => !expected.includes(s))
  const parts = [
    missing.length > 0 ? `missing ${missing.join(', ')}` : '',
    extra.length > 0 ? `unexpected ${extra.join(', ')}` : '',
  ].filter((p) => p !== '')
  return fail(check, `the answer differs from the settings: ${parts.join('; ') || 'different order'}`, POINT)
}

async function connectAddress(host: string, options: HttpsCheckOptions) {
  if (options.connect !== undefined) return options.connect
  const answer = await options.lookups.addresses(host)
  if (answer.kind !== 'found') return undefined
  return { address: answer.records[0] as string, port: 443 }
}

/** Asks `host` over HTTPS what the probe asks, and compares the answer with the expected one. */
export async function checkServiceHost(host: string, probe: ServiceProbe, options: HttpsCheckOptions) {
  const check = `HTTPS ${host}`
  const where = await connectAddress(host, options)
  if (where === undefined)
    return fail(check, 'no address for this name', `publish the records above for ${host}`)
  const request = `${probe.method} ${probe.path}`
  try {
    const answer = await fetchDocument({
      host,
      ...probe,
      ...where,
      ca: options.ca,
      timeoutMs: options.timeoutMs,
    })
    if (answer.status !== 200) return fail(check, `${request} answered ${answer.status}`, POINT)
    const xml = /^(application|text)\/xml/.test(answer.contentType)
    const served = xml ? probe.summarise(answer.body) : undefined
    if (served === undefined) return fail(check, `${request} did not answer the expected XML document`, POINT)
    const compared = compare(check, served, probe.expected)
    if (compared.status === 'fail') return compared
    // The same rules `mailsetup check` applies: a matching answer a client still refuses is no good.
    const judgement = probe.judge(answer)
    if (judgement.verdict === 'fail')
      return fail(check, `${probe.client.name} would refuse it: ${judgement.problems.join('; ')}`, POINT)
    return pass(check, `${compared.detail}; ${probe.client.name} accepts it`)
  } catch (error) {
    /* c8 ignore next: fetchDocument rejects only with FetchError */
    if (!(error instanceof FetchError)) throw error
    const fix = /CERT|certificate/.test(`${error.code} ${error.message}`)
      ? `install a certificate valid for ${host} (in its subjectAltName), issued by a trusted CA`
      : `make ${host} answer HTTPS on port ${where.port}`
    return fail(check, error.message, fix)
  }
}
