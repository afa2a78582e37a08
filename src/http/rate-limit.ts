import type { RateLimitSettings } from '../settings/model.js'

interface Bucket {
  tokens: number
  at: number
}

// Bounds memory under a flood of distinct addresses: the oldest entry makes room for a new one.
const MAX_TRACKED = 100_000
const SWEEP_EVERY_MS = 60_000

/**
 * The key a client is counted under. IPv6 clients get a whole /64 each (RFC 6177), so one host cannot
 * walk through its prefix to escape the limit; IPv4-mapped IPv6 addresses count as IPv4.
 */
export function clientKey(ip: string): string {
  if (!ip.includes(':')) return ip
  if (ip.startsWith('::ffff:') && ip.includes('.')) return ip.slice(7)
  const [head = '', tail] = ip.toLowerCase().split('::')
  const headGroups = head === '' ? [] : head.split(':')
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':')
  const zeros = Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0')
  const groups = tail === undefined ? headGroups : [...headGroups, ...zeros, ...tailGroups]
  return `${groups.slice(0, 4).join(':')}::/64`
}

/**
 * Token buckets per client, refilled lazily on each request: no timer per request or per client, and
 * idle clients are swept at most once a minute, on the request that finds the sweep due.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>()
  #lastSweep = 0

  /**
   * Takes one token; returns 0 when the request may go ahead, else the seconds until it may. `now` is
   * a monotonic clock in ms (`performance.now()`), the same for every call.
   */
  take(key: string, settings: RateLimitSettings, now: number): number {
    const perMs = settings.requestsPerMinute / 60_000
    if (now - this.#lastSweep >= SWEEP_EVERY_MS) this.#sweep(settings, now, perMs)
    const bucket = this.#buckets.get(key)
    if (bucket === undefined) {
      if (this.#buckets.size >= MAX_TRACKED) this.#buckets.delete(this.#buckets.keys().next().value as string)
      this.#buckets.set(key, { tokens: settings.burst - 1, at: now })
      return 0
    }
    const tokens = Math.min(settings.burst, bucket.tokens + (now - bucket.at) * perMs)
    bucket.at = now
    if (tokens >= 1) {
      bucket.tokens = tokens - 1
      return 0
    }
    bucket.tokens = tokens
    return Math.max(1, Math.ceil((1 - tokens) / perMs / 1000))
  }

  get size(): number {
    return this.#buckets.size
  }

  /** Forgets clients whose bucket has filled up again: they are indistinguishable from new ones. */
  #sweep(settings: RateLimitSettings, now: number, perMs: number): void {
    this.#lastSweep = now
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * perMs >= settings.burst) this.#buckets.delete(key)
    }
  }
}
