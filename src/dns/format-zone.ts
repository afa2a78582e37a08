// Expected records as text an operator can paste: master-file lines (RFC 1035 §5.1) with absolute
// names, and the same data as JSON for scripts.
import type { ExpectedRecord } from './expected-records.js'

export const DEFAULT_TTL = 3600

/** Absolute name: a trailing dot, so the line means the same in any zone file ($ORIGIN-proof). */
export function absoluteName(name: string): string {
  return name === '.' || name.endsWith('.') ? name : `${name}.`
}

/** A TXT character-string (RFC 1035 §5.1): quoted, with `"` and `\` escaped. */
function quoteText(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}

/** The RDATA of a record in master-file form, e.g. `0 0 993 imap.example.com.`. */
export function formatRdata(record: ExpectedRecord): string {
  switch (record.type) {
    case 'CNAME':
      return absoluteName(record.target)
    case 'SRV':
      return `${record.priority} ${record.weight} ${record.port} ${absoluteName(record.target)}`
    case 'TXT':
      return quoteText(record.text)
    case 'ADDRESS':
      return ''
  }
}

/** One master-file line; an ADDRESS record is a comment: only the operator knows the addresses. */
export function formatRecordLine(record: ExpectedRecord, ttl: number, nameWidth = 0): string {
  const name = absoluteName(record.name)
  if (record.type === 'ADDRESS') return `; ${name} is the service's own host: publish its A and AAAA records`
  return `${name.padEnd(nameWidth)} ${ttl} IN ${record.type.padEnd(5)} ${formatRdata(record)}`
}

/** A block of zone lines for one domain: a heading, then each group of records under its purpose. */
export function formatZone(domain: string, records: readonly ExpectedRecord[], ttl = DEFAULT_TTL): string {
  const width = Math.max(...records.map((r) => absoluteName(r.name).length))
  const lines = [`; mailsetup: records for ${domain}`]
  let purpose: string | undefined
  for (const record of records) {
    if (record.purpose !== purpose) lines.push(`; ${record.purpose}`)
    purpose = record.purpose
    lines.push(formatRecordLine(record, ttl, width))
  }
  return `${lines.join('\n')}\n`
}

/** The JSON form: one object per domain, each record with its zone line's fields. */
export function zoneJson(domain: string, records: readonly ExpectedRecord[], ttl = DEFAULT_TTL) {
  return {
    domain,
    ttl,
    records: records.map((record) => ({
      ...record,
      ttl,
      ...(record.type === 'ADDRESS' ? {} : { rdata: formatRdata(record) }),
    })),
  }
}
