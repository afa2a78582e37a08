import type { Registry } from 'prom-client'
import { ClientClassifier, type ClientFamily } from './client-family.js'
import { type EndpointFamily, endpointFamily } from './endpoint-family.js'
import { type MetricValue, plainMetric } from './plain-metric.js'

// Answers are prepared at load time, so most take well under a millisecond.
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

/** Counts of one endpoint family: plain numbers, turned into series only when scraped. */
class FamilyStats {
  /** client → status → count. */
  readonly counts = new Map<ClientFamily, Map<number, number>>()
  /** Per bucket (not cumulative); the last one is +Inf. */
  readonly buckets = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0)
  sum = 0
  count = 0

  constructor(readonly endpoint: EndpointFamily) {}

  record(client: ClientFamily, status: number, seconds: number): void {
    let byStatus = this.counts.get(client)
    if (byStatus === undefined) {
      byStatus = new Map()
      this.counts.set(client, byStatus)
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
    let bucket = 0
    while (bucket < LATENCY_BUCKETS.length && seconds > (LATENCY_BUCKETS[bucket] as number)) bucket++
    this.buckets[bucket] = (this.buckets[bucket] as number) + 1
    this.sum += seconds
    this.count++
  }
}

/**
 * Request counts and latencies, kept as plain numbers per endpoint family. prom-client's own
 * counters hash their label set on every call (about a microsecond each); here a request costs a
 * few Map lookups and additions, and the series are built only when `/metrics` is scraped.
 */
export class RequestStats {
  readonly #byRoute = new Map<string | undefined, FamilyStats>()
  readonly #byFamily = new Map<EndpointFamily, FamilyStats>()
  readonly #clients = new ClientClassifier()

  /** Adds the two metrics to `registry`; counting starts before, at construction. */
  registerIn(registry: Registry): void {
    registry.registerMetric(
      plainMetric(
        'mailsetup_http_requests_total',
        'counter',
        'Requests answered, by endpoint family, client family (from User-Agent) and status',
        () => this.#countValues(),
      ),
    )
    registry.registerMetric(
      plainMetric(
        'mailsetup_http_request_duration_seconds',
        'histogram',
        'Time from request to response, by endpoint family',
        () => this.#latencyValues(),
      ),
    )
  }

  /** `routeUrl` is the matched route's pattern, undefined when none matched. */
  observe(routeUrl: string | undefined, userAgent: string | undefined, status: number, ms: number): void {
    let stats = this.#byRoute.get(routeUrl)
    if (stats === undefined) {
      const family = endpointFamily(routeUrl)
      stats = this.#byFamily.get(family) ?? new FamilyStats(family)
      this.#byFamily.set(family, stats)
      this.#byRoute.set(routeUrl, stats)
    }
    stats.record(this.#clients.classify(userAgent), status, ms / 1000)
  }

  #countValues(): MetricValue[] {
    const values: MetricValue[] = []
    for (const stats of this.#byFamily.values())
      for (const [client, byStatus] of stats.counts)
        for (const [status, value] of byStatus)
          values.push({ value, labels: { endpoint: stats.endpoint, client, status: String(status) } })
    return values
  }

  #latencyValues(): MetricValue[] {
    const values: MetricValue[] = []
    const name = 'mailsetup_http_request_duration_seconds'
    for (const { endpoint, buckets, sum, count } of this.#byFamily.values()) {
      let cumulative = 0
      buckets.forEach((inBucket, i) => {
        cumulative += inBucket
        const le = i < LATENCY_BUCKETS.length ? String(LATENCY_BUCKETS[i]) : '+Inf'
        values.push({ metricName: `${name}_bucket`, labels: { endpoint, le }, value: cumulative })
      })
      values.push({ metricName: `${name}_sum`, labels: { endpoint }, value: sum })
      values.push({ metricName: `${name}_count`, labels: { endpoint }, value: count })
    }
    return values
  }
}
