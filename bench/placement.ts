// Which CPUs the servers and the load generator run on (Linux, with util-linux's taskset).
// Unpinned on a machine of few CPUs, autocannon (in the bench's own process) and the servers' threads
// land on each other's CPUs: a server with helper threads (V8's collector, libuv's pool writing the
// log) then slows the load generator too, and requests/s measure that contention as much as the server.
// Pinned, each server has one CPU of its own, shared only with its own threads, and the load
// generator has the others, as a load generator on another machine would.
import { execFileSync } from 'node:child_process'

export interface Placement {
  /** CPU list (taskset's syntax) of the server under load. */
  readonly servers: string
  /** CPU list of the bench's own process, where autocannon runs. */
  readonly loadGenerator: string
  /** The bench's affinity before, given back when the throughput part is over. */
  readonly before: string
}

/** "0-2,5" → [0, 1, 2, 5]; undefined for anything else. */
export function parseCpuList(text: string): number[] | undefined {
  const cpus: number[] = []
  for (const part of text.trim().split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part)
    if (range === null) return undefined
    const first = Number(range[1])
    const last = Number(range[2] ?? range[1])
    if (last < first) return undefined
    for (let cpu = first; cpu <= last; cpu++) cpus.push(cpu)
  }
  return cpus
}

/** The first allowed CPU for the servers, the rest for the load generator; none below two CPUs. */
export function planPlacement(allowed: readonly number[], before: string): Placement | undefined {
  if (allowed.length < 2) return undefined
  return { servers: String(allowed[0]), loadGenerator: allowed.slice(1).join(','), before }
}

/** A process's CPU list as taskset prints it, or undefined (no taskset, no such process). */
export function affinityOf(pid: number): string | undefined {
  try {
    const out = execFileSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8', stdio: 'pipe' })
    return /:\s*(\S+)\s*$/.exec(out)?.[1]
  } catch {
    return undefined
  }
}

/** Pins every thread of a process (taskset -a); false when it could not. */
export function pin(pid: number, cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-c', '-p', cpus, String(pid)], { stdio: 'ignore' })
  } catch {
    return false
  }
  // With -a, taskset succeeds on a process that does not exist (it finds no threads to pin): read back.
  const now = affinityOf(pid)
  return now !== undefined && parseCpuList(now)?.join() === parseCpuList(cpus)?.join()
}

/** The placement for this machine, or why there is none. */
export function choosePlacement(
  readAffinity: (pid: number) => string | undefined = affinityOf,
): Placement | { readonly reason: string } {
  const before = readAffinity(process.pid)
  if (before === undefined) return { reason: 'taskset is not available' }
  const allowed = parseCpuList(before)
  if (allowed === undefined) return { reason: `taskset printed an unknown CPU list "${before}"` }
  return planPlacement(allowed, before) ?? { reason: 'fewer than two CPUs are allowed' }
}
