// Shared option handling for commands that read the config: strict flag parsing (a typo is a usage
// error, exit 2) and settings loading that prints every problem like `validate` does.
import { type ParseArgsConfig, parseArgs } from 'node:util'
import { DEFAULT_CONFIG_PATH } from '../server.js'
import { type LoadedSettings, loadSettings } from '../settings/load-settings.js'
import { formatProblem, SettingsError } from '../settings/problems.js'
import { type CliIo, UsageError } from './usage.js'

type Options = NonNullable<ParseArgsConfig['options']>

/** node:util parseArgs in strict mode, its errors turned into one-line usage errors. */
export function parseCommandArgs<T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true })
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split(/\.\s/)[0]}; see mailsetup ${command} --help`)
  }
}

/** `--config`, else $MAILSETUP_CONFIG, else the bundled default. */
export function configPath(option: string | undefined, io: CliIo): string {
  return option ?? (io.env.MAILSETUP_CONFIG || DEFAULT_CONFIG_PATH)
}

/** Loaded settings, or undefined after printing every problem to stderr. */
export function loadSettingsFor(path: string, io: CliIo): LoadedSettings | undefined {
  try {
    return loadSettings(path)
  } catch (error) {
    /* c8 ignore next: loadSettings reports every problem as a SettingsError; anything else is a bug */
    if (!(error instanceof SettingsError)) throw error
    for (const problem of error.problems) io.stderr(`error: ${formatProblem(path, problem)}\n`)
    io.stderr(`${error.message}\n`)
    return undefined
  }
}

/** A positive integer option such as `--ttl`, or a usage error naming it. */
export function integerOption(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < 1 || value > max)
    throw new UsageError(`--${name} must be an integer from 1 to ${max} (got "${raw}")`)
  return value
}
