import pino, { type Logger, type LevelWithSilent } from 'pino'

const LEVELS = new Set<string>(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])

export function isLogLevel(value: string): value is LevelWithSilent {
  return LEVELS.has(value)
}

/** JSON logs on stdout (or the given stream). Request lines are written by the app's onResponse hook. */
export function createLogger(level: LevelWithSilent = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'mailsetup' } }, destination)
}
