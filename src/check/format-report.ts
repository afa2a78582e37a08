import type { FamilyReport, ServerSummary } from './types.js'

const VERDICT_LABEL = { pass: 'PASS', fail: 'FAIL', unavailable: 'NOT AVAILABLE' } as const

function serverLine(s: ServerSummary): string {
  const cells = [s.role.padEnd(16), s.server, s.port === undefined ? '' : String(s.port), s.security ?? '']
  const user = s.username === undefined ? '' : `  username ${s.username}`
  return `  ${cells.filter((c) => c !== '').join('  ')}${user}`
}

function familyBlock(report: FamilyReport): string {
  const answer =
    report.status === null ? 'no answer' : [report.status, report.contentType].filter(Boolean).join(' ')
  return [
    `${report.client}: ${VERDICT_LABEL[report.verdict]}`,
    `  ${report.method} ${report.url} → ${answer}`,
    ...report.servers.map(serverLine),
    ...report.problems.map((p) => `  ✗ ${p}`),
    ...report.notes.map((n) => `  · ${n}`),
  ].join('\n')
}

/** The readable report: one block per client family, then a count. */
export function formatReports(reports: readonly FamilyReport[], heading: string): string {
  const count = (verdict: FamilyReport['verdict']) => reports.filter((r) => r.verdict === verdict).length
  const total = `${reports.length} client${reports.length === 1 ? '' : 's'}: ${count('pass')} pass, ${count('fail')} fail, ${count('unavailable')} not available`
  return `${heading}\n\n${reports.map(familyBlock).join('\n\n')}\n\n${total}\n`
}

/** 0 when nothing fails (formats a server does not offer are listed, not failed), else 1. */
export function exitCodeFor(reports: readonly FamilyReport[]): number {
  return reports.some((r) => r.verdict === 'fail') ? 1 : 0
}
