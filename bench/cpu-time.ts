// CPU time of the server processes, to report beside requests/s. Requests/s follow CPU time per
// request only while the server is the bottleneck: on a shared 2-CPU machine a slow spell can starve
// the load generator instead, and then both servers' requests/s move together and their ratio with it.
import { readFileSync } from 'node:fs'

// Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on.
const MICROS_PER_TICK = 10_000

/** User + system CPU time in µs from the text of `/proc/<pid>/stat`; undefined if it is not one. */
export function cpuMicrosFromStat(stat: string): number | undefined {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const after = stat.slice(stat.lastIndexOf(') ') + 2).split(' ')
  const ticks = Number(after[11]) + Number(after[12])
  return Number.isFinite(ticks) && stat.includes(') ') ? ticks * MICROS_PER_TICK : undefined
}

/** CPU time a process has used so far, in µs; undefined where there is no /proc (or no such process). */
export function cpuMicros(pid: number): number | undefined {
  try {
    return cpuMicrosFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return undefined
  }
}
