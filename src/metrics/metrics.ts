import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import type { ReloadOutcome } from '../state/reload-settings.js'
import type { SnapshotStore } from '../state/snapshot-store.js'
import { RequestStats } from './request-stats.js'

/** Everything `GET /metrics` shows, in its own registry (tests build many). */
export class Metrics {
  readonly registry = new Registry()
  readonly requests: RequestStats
  readonly #reloads: Counter<'outcome'>

  constructor(store: SnapshotStore) {
    const registers = [this.registry]
    this.requests = new RequestStats(this.registry)
    this.#reloads = new Counter({
      name: 'mailsetup_config_reloads_total',
      help: 'Config reloads by outcome: success, failure (refused, old settings kept), unchanged',
      labelNames: ['outcome'] as const,
      registers,
    })
    for (const outcome of ['success', 'failure', 'unchanged'] as const) this.#reloads.labels(outcome).inc(0)
    new Gauge({
      name: 'mailsetup_hosted_domains',
      help: 'Hosted domains in the settings being served (aliases not counted)',
      registers,
      collect() {
        this.set(store.current.settings.domains.length)
      },
    })
    new Gauge({
      name: 'mailsetup_config_loaded_timestamp_seconds',
      help: 'When the settings being served were loaded (Unix time)',
      registers,
      collect() {
        this.set(store.current.loadedAt.getTime() / 1000)
      },
    })
    collectDefaultMetrics({ register: this.registry })
  }

  countReload(outcome: ReloadOutcome): void {
    this.#reloads.labels(outcome).inc()
  }
}
