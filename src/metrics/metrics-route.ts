import type { FastifyInstance } from 'fastify'
import type { Metrics } from './metrics.js'

/** Counts every response (one hook, callback-style: no promise per request). */
export function addRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.requests.observe(
      request.routeOptions.url,
      request.headers['user-agent'],
      reply.statusCode,
      reply.elapsedTime,
    )
    done()
  })
}

/** `GET /metrics` in the Prometheus text format. */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  )
}
