import { createHash } from 'node:crypto'
import type { Logger } from 'pino'
import { parseSettings, readConfigText } from '../settings/load-settings.js'
import { formatProblem, SettingsError } from '../settings/problems.js'
import { createSnapshot, type Snapshot } from './snapshot.js'
import type { SnapshotStore } from './snapshot-store.js'

/** `unchanged`: the file holds the text last tried, so nothing was done (watch events come in bursts). */
export type ReloadOutcome = 'success' | 'failure' | 'unchanged'

export type ReloadReason = 'signal' | 'file change'

export interface ReloaderOptions {
  readonly path: string
  readonly store: SnapshotStore
  readonly logger: Logger
  /** Digest (digestOf) of the text the current snapshot came from. */
  readonly digest?: string
  /**
   * Prepares what else the new settings need before they serve (TLS certificates): throws
   * SettingsError to refuse the reload, else returns the step that puts it in place.
   */
  readonly prepare?: (snapshot: Snapshot) => () => void
  /** Told every outcome (metrics). */
  readonly onOutcome?: (outcome: ReloadOutcome) => void
}

export function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/**
 * Loads the config file again and swaps the snapshot whole. Requests already running keep the
 * snapshot they took; a config with any problem is refused, every problem logged, and the old
 * snapshot keeps serving.
 */
export class SettingsReloader {
  readonly #options: ReloaderOptions
  /** The text last tried, good or bad: a burst of watch events for one save reloads once. */
  #lastDigest: string | undefined

  constructor(options: ReloaderOptions) {
    this.#options = options
    this.#lastDigest = options.digest
  }

  /** `force` (SIGHUP) reloads even an unchanged file, e.g. to pick up renewed TLS certificates. */
  reload(reason: ReloadReason, force = false): ReloadOutcome {
    const outcome = this.#attempt(reason, force)
    this.#options.onOutcome?.(outcome)
    return outcome
  }

  /** A failing config watch (its directory removed): logged; SIGHUP still reloads. */
  watchFailed(error: Error): void {
    this.#options.logger.error({ err: error }, 'config watch failed; reload with SIGHUP')
  }

  #attempt(reason: ReloadReason, force: boolean): ReloadOutcome {
    const { path, store, logger } = this.#options
    try {
      const text = readConfigText(path)
      const digest = digestOf(text)
      if (!force && digest === this.#lastDigest) return 'unchanged'
      this.#lastDigest = digest
      const loaded = parseSettings(text, path)
      const snapshot = createSnapshot(loaded)
      const commit = this.#options.prepare?.(snapshot)
      store.replace(snapshot)
      commit?.()
      for (const warning of loaded.warnings) logger.warn(formatProblem(path, warning))
      logger.info({ reason, domains: loaded.settings.domains.length }, 'config reloaded')
      return 'success'
    } catch (error) {
      this.#logRefusal(reason, error)
      return 'failure'
    }
  }

  #logRefusal(reason: ReloadReason, error: unknown): void {
    const { path, logger } = this.#options
    if (error instanceof SettingsError) {
      for (const problem of error.problems) logger.error(formatProblem(error.source, problem))
      logger.error(
        { reason, problems: error.problems.length },
        'config reload refused; the previous settings keep serving',
      )
      return
    }
    logger.error(
      { reason, err: error, config: path },
      'config reload failed; the previous settings keep serving',
    )
  }
}
