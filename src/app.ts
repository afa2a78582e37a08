import type { ServerOptions as HttpsOptions } from 'node:https'
import formbody from '@fastify/formbody'
import fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import { sendError } from './http/error-status.js'
import { fastifyLimitOptions, notFoundHandler, registerHardening } from './http/hardening.js'
import { loggablePath } from './logging/redact.js'
import { normalizeAutodiscoverPath } from './routes/autodiscover-paths.js'
import type { Metrics } from './metrics/metrics.js'
import { addRequestMetrics, registerMetricsRoute } from './metrics/metrics-route.js'
import type { RouteContext } from './routes/context.js'
import { ROUTE_FAMILIES } from './routes/index.js'
import type { TrustProxy } from './settings/model.js'
import { DEFAULT_LIMITS } from './settings/service-limits.js'
import type { SnapshotStore } from './state/snapshot-store.js'

export interface AppOptions {
  readonly store: SnapshotStore
  readonly logger: FastifyBaseLogger
  /** Readiness; the server turns it off when shutdown begins. */
  readonly isReady?: () => boolean
  /** Counts requests; `GET /metrics` is served here unless `metricsRoute` is false (METRICS_PORT). */
  readonly metrics?: Metrics
  readonly metricsRoute?: boolean
  /** Built-in HTTPS (`service.tls`): key, certificate and SNICallback. */
  readonly https?: HttpsOptions
  /** `service.trustProxy` of the settings loaded at start (fastify reads it once). */
  readonly trustProxy?: TrustProxy
}

// Request bodies are tiny (an Autodiscover request is a few hundred bytes); `service.limits.maxBodyBytes`.
export const BODY_LIMIT = DEFAULT_LIMITS.maxBodyBytes

/** Builds the app from a snapshot store. Never listens: server.ts does, and tests use inject(). */
export function buildApp(options: AppOptions): FastifyInstance {
  const app = fastify({
    loggerInstance: options.logger,
    // One request line per response, written below without query string or addresses.
    logController: new LogController({ disableRequestLogging: true }),
    ...fastifyLimitOptions(options.store.current.settings.service.limits),
    return503OnClosing: true,
    rewriteUrl: (request) => normalizeAutodiscoverPath(request.url as string),
    // X-Forwarded-For/-Proto/-Host from these proxies only (`service.trustProxy`, at start-up).
    trustProxy: options.trustProxy as string[] | boolean | undefined,
    ...(options.https === undefined ? {} : { https: options.https }),
  }) as unknown as FastifyInstance
  const routes = registerHardening(app, options.store)
  app.register(formbody)
  // A callback hook, not an async one: no promise per request on the hot path (issue 9).
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        path: loggablePath(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    )
    done()
  })
  if (options.metrics !== undefined) {
    addRequestMetrics(app, options.metrics)
    if (options.metricsRoute !== false) registerMetricsRoute(app, options.metrics)
  }
  app.setErrorHandler((error, _request, reply) => sendError(reply, error))
  app.setNotFoundHandler(notFoundHandler(routes))
  const context: RouteContext = { store: options.store, isReady: options.isReady ?? (() => true) }
  for (const register of ROUTE_FAMILIES) register(app, context)
  return app
}
