import type { Registry } from 'prom-client'

/** What prom-client's registry reads from a metric when it writes the text format. */
export interface MetricValue {
  readonly value: number
  readonly labels: Readonly<Record<string, string>>
  readonly metricName?: string
}

/**
 * A metric whose values are read from plain numbers at scrape time: prom-client's own counters hash
 * their label set on every call, and these numbers are kept before prom-client is even loaded.
 */
export function plainMetric(name: string, type: string, help: string, values: () => MetricValue[]) {
  const get = async () => ({ name, help, type, values: values(), aggregator: 'sum' })
  return { name, help, type, get } as unknown as Parameters<Registry['registerMetric']>[0]
}
