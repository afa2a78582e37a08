// Everything `GET /metrics` shows. prom-client is loaded when the service already listens (or on the
// first scrape), not during start-up: it takes longer to load than fastify's router (issue 9). Counts
// are plain numbers from the start, so nothing is lost before it loads.
import type { Registry } from 'prom-client'
import type { ReloadOutcome } from '../state/reload-settings.js'
import type { SnapshotStore } from '../state/snapshot-store.js'
import { plainMetric } from './plain-metric.js'
import { RequestStats } from './request-stats.js'

export interface ScrapedMetrics {
  readonly contentType: string
  readonly text: string
}

const RELOAD_OUTCOMES: readonly ReloadOutcome[] = ['success', 'failure', 'unchanged']

/** One registry per instance (tests build many). */
export class Metrics {
  readonly requests = new RequestStats()
  readonly #reloads = new Map<ReloadOutcome, number>(RELOAD_OUTCOMES.map((outcome) => [outcome, 0]))
  readonly #store: SnapshotStore
  #registry?: Promise<Registry>

  constructor(store: SnapshotStore) {
    this.#store = store
  }

  countReload(outcome: ReloadOutcome): void {
    this.#reloads.set(outcome, (this.#reloads.get(outcome) as number) + 1)
  }

  /** Loads prom-client and starts its process metrics (GC, event loop delay); idempotent. */
  start(): Promise<Registry> {
    this.#registry ??= import('prom-client').then((client) => this.#build(client))
    return this.#registry
  }

  /** The Prometheus text format, and its content type. */
  async scrape(): Promise<ScrapedMetrics> {
    const registry = await this.start()
    return { contentType: registry.contentType, text: await registry.metrics() }
  }

  #build(client: typeof import('prom-client')): Registry {
    const registry = new client.Registry()
    const store = this.#store
    this.requests.registerIn(registry)
    registry.registerMetric(
      plainMetric(
        'mailsetup_config_reloads_total',
        'counter',
        'Config reloads by outcome: success, failure (refused, old settings kept), unchanged',
        () => [...this.#reloads].map(([outcome, value]) => ({ value, labels: { outcome } })),
      ),
    )
    registry.registerMetric(
      plainMetric(
        'mailsetup_hosted_domains',
        'gauge',
        'Hosted domains in the settings being served (aliases not counted)',
        () => [{ value: store.current.settings.domains.length, labels: {} }],
      ),
    )
    registry.registerMetric(
      plainMetric(
        'mailsetup_config_loaded_timestamp_seconds',
        'gauge',
        'When the settings being served were loaded (Unix time)',
        () => [{ value: store.current.loadedAt.getTime() / 1000, labels: {} }],
      ),
    )
    client.collectDefaultMetrics({ register: registry })
    return registry
  }
}
