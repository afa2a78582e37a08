// One line of `mailsetup doctor`: what was checked, how it went, and for a failure the fix.

export type CheckStatus = 'pass' | 'warn' | 'fail'

export interface CheckResult {
  readonly status: CheckStatus
  /** What was checked, e.g. `SRV _imaps._tcp.example.com`. */
  readonly check: string
  /** What was found, in plain words. */
  readonly detail: string
  /** For a failure (or warning): what to do, e.g. the exact zone line to publish. */
  readonly fix?: string
}

export function pass(check: string, detail: string): CheckResult {
  return { status: 'pass', check, detail }
}

export function warn(check: string, detail: string, fix?: string): CheckResult {
  return fix === undefined ? { status: 'warn', check, detail } : { status: 'warn', check, detail, fix }
}

export function fail(check: string, detail: string, fix: string): CheckResult {
  return { status: 'fail', check, detail, fix }
}

/** Exit code 0 only when nothing failed (warnings are informational). */
export function allPassed(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.status !== 'fail')
}
