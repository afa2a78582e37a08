// Defences every route gets from one onRequest hook (issue 5): response headers and the request guard
// (http/request-guard.ts); plus 405 with `Allow` for known paths and the server's size and time limits.
import type { Server } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ServiceLimits } from '../settings/model.js'
import { sendAnswer } from './answer.js'
import { sendPlain } from './error-status.js'
import { watchIdleConnections } from './idle-connections.js'
import { type RequestGuard, SECURITY_HEADERS } from './request-guard.js'
import { RouteTable } from './route-table.js'

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
  // Not `server.setTimeout`: its timer per socket, re-armed on every request, cost more than a sweep.
  watchIdleConnections(server, limits.idleTimeoutMs)
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
export function registerHardening(
  app: FastifyInstance,
  guard: RequestGuard,
  limits: ServiceLimits,
): RouteTable {
  const table = new RouteTable(app.initialConfig.caseSensitive !== false)
  tables.set(app, table)
  app.addHook('onRoute', (route) => table.add(route.method, route.url as string))
  applyServerLimits(app.server, limits)
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(SECURITY_HEADERS)
    const refusal = guard.check(request.raw, request.routeOptions.url)
    if (refusal !== undefined) return sendAnswer(reply, refusal)
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
