// Limits and rate limiting of the HTTP service (`service.limits`, `service.rateLimit` in the config).
// Their schema is in schema.ts. Defaults are chosen for a service whose requests and answers are a
// few KiB (issue 5).
import type { RateLimitSettings, ServiceLimits } from './model.js'

export const DEFAULT_LIMITS: ServiceLimits = Object.freeze({
  // An Autodiscover request is a few hundred bytes.
  maxBodyBytes: 8 * 1024,
  // An address of 254 octets, percent-encoded as UTF-8, plus path and query, fits with room to spare.
  maxUrlLength: 2048,
  // Node's own default; Outlook's Basic credentials and ordinary headers need far less.
  maxHeaderBytes: 16 * 1024,
  maxConnections: 2048,
  // Slow clients (slowloris) cannot hold a socket longer than these.
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  idleTimeoutMs: 30_000,
  // Mail clients ask once; behind a proxy that keeps upstream connections, set this above its idle timeout.
  keepAliveTimeoutMs: 5_000,
})

// Generous for one address (a client asks a handful of URLs), and for an office behind one NAT address.
export const DEFAULT_RATE_LIMIT: RateLimitSettings = Object.freeze({ requestsPerMinute: 600, burst: 120 })

type LimitsEntry = Partial<ServiceLimits>
type RateLimitEntry = { requestsPerMinute: number; burst?: number } | null

export function buildLimits(entry: LimitsEntry | undefined): ServiceLimits {
  const limits: { -readonly [K in keyof ServiceLimits]: number } = { ...DEFAULT_LIMITS, ...entry }
  // Node uses the smaller of the two for a request's headers anyway; keep the numbers honest.
  limits.headersTimeoutMs = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs)
  return Object.freeze(limits)
}

/** `null` switches rate limiting off; a missing `burst` allows a sixth of a minute's requests at once. */
export function buildRateLimit(entry: RateLimitEntry | undefined): RateLimitSettings | undefined {
  if (entry === null) return undefined
  if (entry === undefined) return DEFAULT_RATE_LIMIT
  const burst = entry.burst ?? Math.max(1, Math.ceil(entry.requestsPerMinute / 6))
  return Object.freeze({ requestsPerMinute: entry.requestsPerMinute, burst })
}
