import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from 'node:https'
import formbody from '@fastify/formbody'
import fastify, { type FastifyInstance, LogController } from 'fastify'
import type { Logger } from 'pino'
import { clientView } from './http/client-address.js'
import { createDirectLane, type DirectLane } from './http/direct-lane.js'
import { sendError } from './http/error-status.js'
import { fastifyLimitOptions, notFoundHandler, registerHardening } from './http/hardening.js'
import { NO_SCHEMA_COMPILERS } from './http/no-schemas.js'
import { RequestGuard } from './http/request-guard.js'
import { responseRecorder } from './http/response-record.js'
import { loggablePath } from './logging/redact.js'
import type { Metrics } from './metrics/metrics.js'
import { registerMetricsRoute } from './metrics/metrics-route.js'
import { normalizeAutodiscoverPath } from './routes/autodiscover-paths.js'
import type { RouteContext } from './routes/context.js'
import { DIRECT_ENDPOINTS, ROUTE_FAMILIES } from './routes/index.js'
import type { TrustProxy } from './settings/model.js'
import { DEFAULT_LIMITS } from './settings/service-limits.js'
import type { SnapshotStore } from './state/snapshot-store.js'

export interface AppOptions {
  readonly store: SnapshotStore
  /** Made by `createLogger` (the request line is written straight to its destination). */
  readonly logger: Logger
  /** Readiness; the server turns it off when shutdown begins. */
  readonly isReady?: () => boolean
  /** Counts requests; `GET /metrics` is served here unless `metricsRoute` is false (METRICS_PORT). */
  readonly metrics?: Metrics
  readonly metricsRoute?: boolean
  /** Built-in HTTPS (`service.tls`): key, certificate and SNICallback. */
  readonly https?: HttpsOptions
  /** `service.trustProxy` of the settings loaded at start (fastify reads it once). */
  readonly trustProxy?: TrustProxy
  /** Serve the prepared endpoints straight from node:http when listening (default true; issue 9). */
  readonly directLane?: boolean
}

// Request bodies are tiny (an Autodiscover request is a few hundred bytes); `service.limits.maxBodyBytes`.
export const BODY_LIMIT = DEFAULT_LIMITS.maxBodyBytes

/** Fastify's id format (`req-1`, `req-2`, …), from one counter for both lanes. */
function requestIds(): () => string {
  let next = 0
  return () => {
    next = (next + 1) & 0x7fffffff
    return `req-${next.toString(36)}`
  }
}

/** The Node server: the direct lane first, Fastify for whatever it leaves. */
function serverFactory(lane: DirectLane, https: HttpsOptions | undefined) {
  return (handler: (raw: IncomingMessage, res: ServerResponse) => void) => {
    const listener = (raw: IncomingMessage, res: ServerResponse) => {
      if (!lane(raw, res)) handler(raw, res)
    }
    return https === undefined ? createHttpServer(listener) : createHttpsServer(https, listener)
  }
}

/** One callback hook for the log line and the metrics: no promise per request (issue 9). */
function recordResponses(app: FastifyInstance, record: ReturnType<typeof responseRecorder>): void {
  app.addHook('onResponse', (request, reply, done) => {
    const { id, method, url, headers } = request
    const { statusCode: status, elapsedTime: ms } = reply
    const routeUrl = request.routeOptions.url
    const path = loggablePath(url)
    record({ reqId: id, method, path, routeUrl, userAgent: headers['user-agent'], status, ms })
    done()
  })
}

/** Builds the app from a snapshot store. Never listens: server.ts does, and tests use inject(). */
export function buildApp(options: AppOptions): FastifyInstance {
  const { store, logger, metrics } = options
  const client = clientView(options.trustProxy)
  const guard = new RequestGuard(store, client)
  const requestId = requestIds()
  const context: RouteContext = { store, isReady: options.isReady ?? (() => true), client }
  const lane =
    options.directLane === false
      ? undefined
      : createDirectLane({
          ...context,
          guard,
          endpoints: DIRECT_ENDPOINTS,
          logger,
          requestId,
          ...(metrics && { metrics }),
        })
  const app = fastify({
    loggerInstance: logger,
    // One request line per response, written below without query string or addresses.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestId,
    ...fastifyLimitOptions(store.current.settings.service.limits),
    return503OnClosing: true,
    schemaController: NO_SCHEMA_COMPILERS,
    rewriteUrl: (request) => normalizeAutodiscoverPath(request.url as string),
    // X-Forwarded-For/-Proto/-Host from these proxies only (`service.trustProxy`, at start-up).
    trustProxy: options.trustProxy as string[] | boolean | undefined,
    ...(options.https === undefined ? {} : { https: options.https }),
    ...(lane === undefined ? {} : { serverFactory: serverFactory(lane, options.https) }),
  }) as unknown as FastifyInstance
  const routes = registerHardening(app, guard, store.current.settings.service.limits)
  app.register(formbody)
  recordResponses(app, responseRecorder(logger, metrics))
  if (metrics !== undefined && options.metricsRoute !== false) registerMetricsRoute(app, metrics)
  app.setErrorHandler((error, _request, reply) => sendError(reply, error))
  app.setNotFoundHandler(notFoundHandler(routes))
  for (const register of ROUTE_FAMILIES) register(app, context)
  return app
}
