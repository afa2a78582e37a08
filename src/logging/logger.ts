import cluster from 'node:cluster'
import pino, { type Logger, type LevelWithSilent } from 'pino'
import { LineBatch, type LineTarget } from './line-batch.js'

const LEVELS = new Set<string>(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])

export function isLogLevel(value: string): value is LevelWithSilent {
  return LEVELS.has(value)
}

/**
 * Standard output, written in blocks: lines are gathered by a `LineBatch` (line-batch.ts) and written
 * about 64 KiB at a time, not once per request line, which cost more than answering the request
 * (issue 9). Each write also costs task switches that disturb the requests around it: with 8 KiB
 * blocks (one write per ~60 lines) the log line cost a Host-only autoconfig request 4-5 µs under load,
 * with 64 KiB blocks 2.5 µs (bare server 10-12 µs; pinned, alternating runs of the builds; perf saw the
 * kernel's task-switch share fall from 4 % to 1 %). 256 KiB and 1 MiB blocks were no better.
 * A quiet service still shows every line within 200 ms, what is left is written when the
 * process exits, and a stalled reader costs at most 16 MiB of buffered lines (then lines are dropped).
 * One destination per process, shared by its loggers. Cluster workers (`WORKERS`) share one stdout:
 * there each line is written whole on its own, since a pipe keeps only writes of up to 4 KiB from
 * interleaving with another process's.
 */
function openStdout(): pino.DestinationStream {
  if (cluster.isWorker) return pino.destination({ dest: 1, sync: true })
  const target = pino.destination({
    dest: 1,
    sync: false,
    contentMode: 'buffer',
    minLength: 0,
    maxLength: 16 * 2 ** 20,
  })
  // sonic-boom's types describe only its text mode; in buffer mode it writes Buffers.
  const batch = new LineBatch(target as unknown as LineTarget, { size: 64 * 1024, flushEveryMs: 200 })
  batch.closeAtExit()
  return batch
}

let stdout: pino.DestinationStream | undefined

function stdoutDestination(): pino.DestinationStream {
  stdout ??= openStdout()
  return stdout
}

/** JSON logs on stdout (or the given stream). Request lines come from http/response-record.ts. */
export function createLogger(level: LevelWithSilent = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'mailsetup' } }, destination ?? stdoutDestination())
}
