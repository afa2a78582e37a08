// The defences every request passes before any route runs (issue 5), for both the Fastify routes and
// the direct lane: URL length, a well-formed Host, and per-client rate limiting.
import type { IncomingMessage } from 'node:http'
import { performance } from 'node:perf_hooks'
import type { ServiceLimits } from '../settings/model.js'
import type { SnapshotStore } from '../state/snapshot-store.js'
import { type Answer, plainAnswer } from './answer.js'
import type { ClientView } from './client-address.js'
import { clientKey, RateLimiter } from './rate-limit.js'

// Every response is refused as a script or style by browsers, and cannot frame or be framed; the HTML
// routes replace the CSP with their own, which allows their one stylesheet by hash.
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
})

// Probes and scrapers call these often and from few addresses; they answer nothing private.
const UNLIMITED_ROUTES = new Set(['/healthz', '/readyz', '/metrics'])

// RFC 9110 §7.2 / RFC 3986 §3.2.2: a host name or IP literal, and an optional port. Clients send
// internationalised names as A-labels; a U-label is let through for the resolver to normalise.
const HOST = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9._\u00a0-\uffff-]{1,253})(?::[0-9]{1,5})?$/

export class RequestGuard {
  readonly #limiter = new RateLimiter()
  readonly #store: SnapshotStore
  readonly #limits: ServiceLimits
  readonly #client: ClientView

  /** Limits take a restart (Node reads them when listening); the rate limit follows reloads. */
  constructor(store: SnapshotStore, client: ClientView) {
    this.#store = store
    this.#limits = store.current.settings.service.limits
    this.#client = client
  }

  /**
   * The refusal for this request, or undefined when it may go ahead (then it has been counted). `now`
   * is `performance.now()`: the direct lane has read it already for the request's duration.
   */
  check(raw: IncomingMessage, routeUrl: string | undefined, now = performance.now()): Answer | undefined {
    if ((raw.url as string).length > this.#limits.maxUrlLength) return plainAnswer(414, 'URI too long')
    const host = raw.headers.host
    if (host !== undefined && !HOST.test(host)) return plainAnswer(400, 'malformed Host header')
    const rateLimit = this.#store.current.settings.service.rateLimit
    if (rateLimit === undefined || UNLIMITED_ROUTES.has(routeUrl as string)) return undefined
    const wait = this.#limiter.take(clientKey(this.#client.address(raw)), rateLimit, now)
    return wait > 0 ? plainAnswer(429, 'too many requests', { 'retry-after': String(wait) }) : undefined
  }
}
