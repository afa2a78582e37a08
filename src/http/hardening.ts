// Defences every route gets from one onRequest hook (issue 5): response headers, URL and Host checks,
// per-client rate limiting; plus 405 with `Allow` for known paths and the server's size and time limits.
import type { Server } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ServiceLimits } from '../settings/model.js'
import type { SnapshotStore } from '../state/snapshot-store.js'
import { sendPlain } from './error-status.js'
import { clientKey, RateLimiter } from './rate-limit.js'
import { RouteTable } from './route-table.js'

// Every response is refused as a script or style by browsers, and cannot frame or be framed; the HTML
// routes replace the CSP with their own, which allows their one stylesheet by hash.
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
}

// Probes and scrapers call these often and from few addresses; they answer nothing private.
const UNLIMITED_ROUTES = new Set(['/healthz', '/readyz', '/metrics'])

// RFC 9110 §7.2 / RFC 3986 §3.2.2: a host name or IP literal, and an optional port. Clients send
// internationalised names as A-labels; a U-label is let through for the resolver to normalise.
const HOST = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9._\u00a0-\uffff-]{1,253})(?::[0-9]{1,5})?$/

const tables = new WeakMap<FastifyInstance, RouteTable>()

/** Node's server limits: header size, timeouts against slow clients, and the connection cap. */
export function applyServerLimits(server: Server, limits: ServiceLimits): void {
  // Node reads these two when a connection opens and when the server starts listening: the constructor
  // options only set the properties. Timeouts are checked every interval, so keep it short.
  Object.assign(server, { maxHeaderSize: limits.maxHeaderBytes, connectionsCheckingInterval: 1000 })
  server.headersTimeout = limits.headersTimeoutMs
  server.requestTimeout = limits.requestTimeoutMs
  server.keepAliveTimeout = limits.keepAliveTimeoutMs
  server.maxConnections = limits.maxConnections
  server.setTimeout(limits.idleTimeoutMs)
}

/** Errors Fastify raises before routing (a malformed percent-encoding): by default JSON quoting the URL. */
function answerFrameworkError(_error: unknown, _request: FastifyRequest, reply: FastifyReply) {
  sendPlain(reply.headers(SECURITY_HEADERS), 400, 'bad request')
}

/** The Fastify options that carry limits; the rest are set on the Node server by applyServerLimits. */
export function fastifyLimitOptions(limits: ServiceLimits) {
  return {
    bodyLimit: limits.maxBodyBytes,
    // An address in a path segment (Autodiscover v2) may be 254 octets, percent-encoded three times over.
    routerOptions: { maxParamLength: 1024 },
    frameworkErrors: answerFrameworkError,
  }
}

/** Registers the hooks; call before any route is added, so the route table sees every route. */
export function registerHardening(app: FastifyInstance, store: SnapshotStore): RouteTable {
  const limits = store.current.settings.service.limits
  const table = new RouteTable(app.initialConfig.caseSensitive !== false)
  tables.set(app, table)
  app.addHook('onRoute', (route) => table.add(route.method, route.url as string))
  applyServerLimits(app.server, limits)
  const limiter = new RateLimiter()
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(SECURITY_HEADERS)
    if (request.url.length > limits.maxUrlLength) return sendPlain(reply, 414, 'URI too long')
    const host = request.headers.host
    if (host !== undefined && !HOST.test(host)) return sendPlain(reply, 400, 'malformed Host header')
    const rateLimit = store.current.settings.service.rateLimit
    if (rateLimit !== undefined && !UNLIMITED_ROUTES.has(request.routeOptions.url as string)) {
      const wait = limiter.take(clientKey(request.ip), rateLimit, Date.now())
      if (wait > 0) return sendPlain(reply.header('retry-after', String(wait)), 429, 'too many requests')
    }
    done()
  })
  return table
}

/** Every route of an app built with registerHardening (for tests and the soak script). */
export function routesOf(app: FastifyInstance): RouteTable | undefined {
  return tables.get(app)
}

/** 405 with `Allow` when the path exists under other methods (RFC 9110 §15.5.6), else 404. */
export function notFoundHandler(table: RouteTable) {
  return (request: FastifyRequest, reply: FastifyReply) => {
    const allowed = table.allowedMethods(request.url)
    if (allowed.length === 0) return sendPlain(reply, 404, 'not found')
    return sendPlain(reply.header('allow', allowed.join(', ')), 405, 'method not allowed')
  }
}
