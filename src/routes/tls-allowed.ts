import type { FastifyInstance } from 'fastify'
import { normalizeDomain } from '../common/domain-name.js'
import { sendPlain } from '../http/error-status.js'
import { queryValue } from '../http/query.js'
import type { Settings } from '../settings/model.js'
import type { RouteContext } from './context.js'

// The names clients ask the service under (CLIENTS.md §1, §2, §4), besides the mail domain itself.
const PREFIXES = ['autoconfig.', 'autodiscover.'] as const

/** Whether the service should hold a certificate for `name`: a hosted domain (or alias), its
 * autoconfig./autodiscover. names, or the host of `service.publicUrl`. */
export function isCertificateName(settings: Settings, name: string): boolean {
  const ascii = normalizeDomain(name)
  if (ascii === undefined) return false
  if (settings.lookup.has(ascii)) return true
  const prefix = PREFIXES.find((p) => ascii.startsWith(p))
  if (prefix !== undefined && settings.lookup.has(ascii.slice(prefix.length))) return true
  const { publicUrl } = settings.service
  return publicUrl !== undefined && new URL(publicUrl).hostname === ascii
}

/**
 * `GET /tls-allowed?domain=<name>`: the "ask" hook of a reverse proxy that obtains certificates on
 * demand (Caddy's `on_demand_tls`): 200 for names this service answers, 404 for any other name, so
 * nobody can make the proxy request certificates for names that are not hosted here.
 */
export function registerTlsAllowedRoute(app: FastifyInstance, context: RouteContext): void {
  app.get('/tls-allowed', async (request, reply) => {
    const domain = queryValue(request.query, 'domain')
    if (domain === undefined) return sendPlain(reply, 400, 'domain is required')
    return isCertificateName(context.store.current.settings, domain)
      ? sendPlain(reply, 200, 'allowed')
      : sendPlain(reply, 404, 'not a hosted name')
  })
}
