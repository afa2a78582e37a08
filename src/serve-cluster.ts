// Optional multi-process mode (issue 9): WORKERS=n runs n copies of the service on one port with
// node:cluster, so throughput scales with cores. The primary serves nothing: it checks the config once,
// forks, forwards signals (SIGHUP reload, SIGTERM/SIGINT stop) and replaces a worker that dies.
import cluster, { type Worker } from 'node:cluster'
import { availableParallelism } from 'node:os'
import { UsageError } from './cli/usage.js'
import { createLogger } from './logging/logger.js'
import type { ServerEnv } from './server.js'
import { loadSettings } from './settings/load-settings.js'

export const MAX_WORKERS = 64
// A worker that keeps dying is not restarted in a tight loop.
const RESTART_DELAY_MS = 500

/** `WORKERS`: unset or 1 is one process; `auto` is one per CPU; else 2 to 64. */
export function readWorkers(env: NodeJS.ProcessEnv): number {
  const raw = env.WORKERS
  if (raw === undefined || raw === '') return 1
  if (raw === 'auto') return Math.min(availableParallelism(), MAX_WORKERS)
  const count = Number(raw)
  if (!Number.isInteger(count) || count < 1 || count > MAX_WORKERS)
    throw new UsageError(`WORKERS must be auto or an integer from 1 to ${MAX_WORKERS}`)
  return count
}

/** Whether this process should be the primary of a cluster rather than serve itself. */
export function isClusterPrimary(workers: number): boolean {
  return workers > 1 && cluster.isPrimary
}

/** A worker that failed to start lets go of the primary's channel, so that it can exit and be seen to. */
export function releaseFailedWorker(): void {
  cluster.worker?.disconnect()
}

/**
 * Runs the primary. Resolves true once every worker listens, false when one fails before that (a bad
 * port, say): then the others are stopped too and the process exits with an error.
 */
export function runClusterPrimary(env: ServerEnv, count: number): Promise<boolean> {
  const logger = createLogger(env.logLevel as Parameters<typeof createLogger>[0])
  // Config problems are reported once, here, rather than by every worker.
  loadSettings(env.configPath)
  let stopping = false
  let started = 0
  const workers = () => Object.values(cluster.workers as NodeJS.Dict<Worker>) as Worker[]
  const fork = () => {
    const worker = cluster.fork()
    logger.info({ worker: worker.id, pid: worker.process.pid }, 'worker started')
  }
  return new Promise((resolve) => {
    cluster.on('listening', () => {
      started++
      if (started === count) {
        logger.info({ workers: count }, 'all workers listening')
        resolve(true)
      }
    })
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return
      logger.warn({ worker: worker.id, code, signal }, 'worker exited')
      if (started < count) {
        stopping = true
        for (const other of workers()) other.process.kill('SIGTERM')
        resolve(false)
      } else setTimeout(fork, RESTART_DELAY_MS)
    })
    const forward = (signal: NodeJS.Signals) => () => {
      for (const worker of workers()) worker.process.kill(signal)
    }
    process.on('SIGHUP', forward('SIGHUP'))
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.info({ signal }, 'stopping workers')
        stopping = true
        forward(signal)()
      })
    }
    for (let i = 0; i < count; i++) fork()
  })
}
