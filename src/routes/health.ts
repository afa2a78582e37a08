import type { FastifyInstance } from 'fastify'
import type { RouteContext } from './context.js'

/** Liveness (`/healthz`) and readiness (`/readyz`) for Docker and Kubernetes probes. */
export function registerHealthRoutes(app: FastifyInstance, context: RouteContext): void {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    const { settings, loadedAt } = context.store.current
    if (!context.isReady()) return reply.code(503).send({ status: 'shutting down' })
    return { status: 'ready', domains: settings.domains.length, loadedAt: loadedAt.toISOString() }
  })
}
