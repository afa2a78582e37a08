import type { FastifyInstance } from 'fastify'
import type { Metrics } from './metrics.js'

/** `GET /metrics` in the Prometheus text format. */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', async (_request, reply) => {
    const { contentType, text } = await metrics.scrape()
    return reply.type(contentType).send(text)
  })
}
