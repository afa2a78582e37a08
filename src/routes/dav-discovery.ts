import type { FastifyInstance } from 'fastify'
import { sendPlain } from '../http/error-status.js'
import { domainFromHost } from '../resolve/resolve-account.js'
import type { DavSettings } from '../settings/model.js'
import type { RouteContext } from './context.js'

/** RFC 6764 §5: well-known URIs on the mail domain itself, redirected to the configured context paths. */
export const DAV_WELL_KNOWN = {
  '/.well-known/caldav': { key: 'caldavUrl', service: 'CalDAV' },
  '/.well-known/carddav': { key: 'carddavUrl', service: 'CardDAV' },
} as const satisfies Record<string, { key: keyof DavSettings; service: string }>

// RFC 6764 §5 lets clients send PROPFIND as well as GET to the well-known URI (iOS, DAVx5 do).
const METHODS = ['GET', 'PROPFIND']

export function registerDavDiscoveryRoutes(app: FastifyInstance, context: RouteContext): void {
  // Fastify 5 knows only the common methods until told; another route family may have added it already.
  if (!app.supportedMethods.includes('PROPFIND')) app.addHttpMethod('PROPFIND', { hasBody: true })
  // Own scope: a PROPFIND body (XML) must not meet a 415 before the redirect; the body is never read.
  app.register(async (scope) => {
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined))
    for (const [path, { key, service }] of Object.entries(DAV_WELL_KNOWN)) {
      scope.route({
        method: METHODS,
        url: path,
        handler: async (request, reply) => {
          const domain = domainFromHost(context.store.current.settings, request.host)
          if (domain === undefined) return sendPlain(reply, 404, 'this domain is not hosted here')
          const target = domain.profile.dav?.[key]
          if (target === undefined) return sendPlain(reply, 404, `no ${service} service for this domain`)
          return reply.code(301).header('location', target).send()
        },
      })
    }
  })
}
