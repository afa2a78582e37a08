import pino, { type Logger, type LevelWithSilent } from 'pino'

const LEVELS = new Set<string>(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])

export function isLogLevel(value: string): value is LevelWithSilent {
  return LEVELS.has(value)
}

/**
 * Standard output, written in blocks: under load one write per ~8 KiB of lines instead of one per
 * request line, which cost more than answering the request (issue 9). A quiet service still shows
 * every line within 200 ms, and pino flushes what is left when the process exits.
 */
function bufferedStdout(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false, minLength: 8192, periodicFlush: 200 })
}

/** JSON logs on stdout (or the given stream). Request lines are written by the app's onResponse hook. */
export function createLogger(level: LevelWithSilent = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'mailsetup' } }, destination ?? bufferedStdout())
}
