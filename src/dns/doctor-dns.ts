// The DNS half of `mailsetup doctor`: every expected record is looked up and compared with the
// settings; each failure names the exact zone line to publish (format-zone.ts).
import { type CheckResult, fail, pass, warn } from './check-result.js'
import type { AddressRecord, CnameRecord, ExpectedRecord, SrvRecord, TxtRecord } from './expected-records.js'
import { formatRecordLine } from './format-zone.js'
import type { Answer, Lookups } from './lookup.js'

export interface DnsCheckContext {
  readonly lookups: Lookups
  readonly ttl: number
}

/** Names compare without case and without the trailing dot; c-ares reports the root as ''. */
function bare(name: string): string {
  const lower = name.toLowerCase().replace(/\.$/, '')
  return lower === '' ? '.' : lower
}

function publish(record: ExpectedRecord, ttl: number): string {
  return `publish: ${formatRecordLine(record, ttl)}`
}

function lookupFailed(check: string, answer: { code: string }): CheckResult {
  return fail(check, `lookup failed (${answer.code})`, 'check that the resolver answers for this name')
}

async function checkCname(record: CnameRecord, context: DnsCheckContext): Promise<CheckResult> {
  const check = `CNAME ${record.name}`
  const answer = await context.lookups.cname(record.name)
  if (answer.kind === 'failed') return lookupFailed(check, answer)
  if (answer.kind === 'found') {
    const found = answer.records.map(bare)
    if (found.includes(record.target)) return pass(check, `→ ${record.target}`)
    return fail(
      check,
      `wrong target: → ${found.join(', ')}, expected ${record.target}`,
      publish(record, context.ttl),
    )
  }
  // CLIENTS.md §4 allows an A record instead of the CNAME: fine when it holds the service's addresses.
  const [own, service] = await Promise.all([
    context.lookups.addresses(record.name),
    context.lookups.addresses(record.target),
  ])
  if (own.kind !== 'found') return fail(check, 'missing', publish(record, context.ttl))
  const shared = service.kind === 'found' && own.records.some((a) => service.records.includes(a))
  if (shared)
    return pass(check, `no CNAME, but its addresses are ${record.target}'s (${own.records.join(', ')})`)
  return fail(
    check,
    `wrong target: addresses ${own.records.join(', ')} are not ${record.target}'s`,
    `replace its A/AAAA records with: ${formatRecordLine(record, context.ttl)}`,
  )
}

async function checkAddress(record: AddressRecord, context: DnsCheckContext): Promise<CheckResult> {
  const check = `A/AAAA ${record.name}`
  const answer = await context.lookups.addresses(record.name)
  if (answer.kind === 'found') return pass(check, answer.records.join(', '))
  if (answer.kind === 'failed') return lookupFailed(check, answer)
  return fail(check, 'missing', `publish the A and AAAA records of the service's host ${record.name}`)
}

type SrvAnswer = { name: string; port: number; priority: number }

function srvDetail(records: readonly SrvAnswer[]): string {
  return records.map((r) => `${r.priority} ${r.port} ${bare(r.name)}`).join(', ')
}

function srvCheck(record: SrvRecord): string {
  const where = record.target === '.' ? 'not offered' : `${record.target}:${record.port}`
  return `SRV ${record.name} (${where})`
}

/** A missing "not offered" record only leaves clients guessing; a missing server record breaks discovery. */
function missingSrv(record: SrvRecord, ttl: number): CheckResult {
  if (record.target === '.') return warn(srvCheck(record), 'missing', publish(record, ttl))
  return fail(srvCheck(record), 'missing', publish(record, ttl))
}

function compareSrv(record: SrvRecord, found: SrvAnswer[], ttl: number): CheckResult {
  const check = srvCheck(record)
  const sameTarget = found.filter((r) => bare(r.name) === record.target)
  const exact = sameTarget.find((r) => r.port === record.port)
  if (exact !== undefined) {
    if (exact.priority === record.priority)
      return pass(check, `${exact.priority} ${exact.port} ${record.target}`)
    return warn(check, `priority ${exact.priority}, expected ${record.priority}`, publish(record, ttl))
  }
  if (sameTarget.length > 0)
    return fail(check, `wrong port: ${srvDetail(sameTarget)}, expected ${record.port}`, publish(record, ttl))
  return fail(check, `wrong target: ${srvDetail(found)}`, publish(record, ttl))
}

/** One result per expected SRV record of a name, plus a warning for each published record not expected. */
function checkSrvGroup(records: readonly SrvRecord[], answer: Answer<SrvAnswer>, ttl: number): CheckResult[] {
  const first = records[0] as SrvRecord
  if (answer.kind === 'failed') return [lookupFailed(`SRV ${first.name}`, answer)]
  if (answer.kind === 'missing') return records.map((r) => missingSrv(r, ttl))
  const results = records.map((r) => compareSrv(r, answer.records, ttl))
  const extra = answer.records.filter(
    (a) => !records.some((r) => r.target === bare(a.name) && (r.port === a.port || r.target === '.')),
  )
  if (extra.length > 0 && results.every((r) => r.status !== 'fail'))
    results.push(
      warn(`SRV ${first.name}`, `also published: ${srvDetail(extra)}`, 'remove records not in the settings'),
    )
  return results
}

async function checkTxt(record: TxtRecord, context: DnsCheckContext): Promise<CheckResult> {
  const check = `TXT ${record.name}`
  const answer = await context.lookups.txt(record.name)
  if (answer.kind === 'failed') return lookupFailed(check, answer)
  if (answer.kind === 'missing') return fail(check, 'missing', publish(record, context.ttl))
  if (answer.records.includes(record.text)) return pass(check, `"${record.text}"`)
  const found = answer.records.map((t) => `"${t}"`).join(', ')
  return fail(check, `wrong value: ${found}`, publish(record, context.ttl))
}

/** Every expected record checked, in the order `mailsetup dns` prints them. */
export async function checkRecords(records: readonly ExpectedRecord[], context: DnsCheckContext) {
  const srvNames = [...new Set(records.filter((r) => r.type === 'SRV').map((r) => r.name))]
  const srvAnswers = new Map(
    await Promise.all(srvNames.map(async (name) => [name, await context.lookups.srv(name)] as const)),
  )
  const done = new Set<string>()
  const pending = records.map(async (record): Promise<CheckResult[]> => {
    switch (record.type) {
      case 'CNAME':
        return [await checkCname(record, context)]
      case 'ADDRESS':
        return [await checkAddress(record, context)]
      case 'TXT':
        return [await checkTxt(record, context)]
      case 'SRV': {
        if (done.has(record.name)) return []
        done.add(record.name)
        const group = records.filter((r): r is SrvRecord => r.type === 'SRV' && r.name === record.name)
        return checkSrvGroup(group, srvAnswers.get(record.name) as Answer<SrvAnswer>, context.ttl)
      }
    }
  })
  return (await Promise.all(pending)).flat()
}

/** MX records are informational: the doctor checks client configuration, not mail delivery. */
export async function checkMx(domain: string, lookups: Lookups): Promise<CheckResult> {
  const check = `MX ${domain}`
  const answer = await lookups.mx(domain)
  if (answer.kind === 'found') {
    const list = answer.records.sort((a, b) => a.priority - b.priority)
    return pass(check, list.map((r) => `${r.priority} ${bare(r.exchange)}`).join(', '))
  }
  const why = answer.kind === 'failed' ? `lookup failed (${answer.code})` : 'none published'
  return warn(check, `${why} (informational: mail for ${domain} is not delivered without MX or A records)`)
}
