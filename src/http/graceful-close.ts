import type { FastifyInstance } from 'fastify'

/**
 * Stops accepting connections, lets requests in flight finish, then resolves; past the deadline,
 * closes the connections left (their requests are dropped) so the process always exits in time.
 */
export async function closeGracefully(app: FastifyInstance, timeoutMs: number): Promise<void> {
  // A response finished during shutdown leaves its keep-alive connection open until the client's
  // timeout; closing idle connections as they appear lets the process exit as soon as work is done.
  const sweep = setInterval(() => app.server.closeIdleConnections(), 50)
  const deadline = setTimeout(() => {
    app.log.warn('shutdown deadline passed; closing remaining connections')
    app.server.closeAllConnections()
  }, timeoutMs)
  try {
    await app.close()
  } finally {
    clearInterval(sweep)
    clearTimeout(deadline)
  }
}
