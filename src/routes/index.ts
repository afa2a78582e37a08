import type { FastifyInstance } from 'fastify'
import { registerAutoconfigRoutes } from './autoconfig.js'
import { registerAutodiscoverRoutes } from './autodiscover.js'
import { registerAutodiscoverJsonRoutes } from './autodiscover-json.js'
import type { RouteContext } from './context.js'
import { registerDavDiscoveryRoutes } from './dav-discovery.js'
import { registerHealthRoutes } from './health.js'
import { registerMobileconfigRoutes } from './mobileconfig.js'
import { registerSetupPageRoutes } from './setup-page.js'
import { registerTlsAllowedRoute } from './tls-allowed.js'

/** Every route family. A new format adds its renderer, its route file, and one line here. */
export const ROUTE_FAMILIES: readonly ((app: FastifyInstance, context: RouteContext) => void)[] = [
  registerHealthRoutes,
  registerAutoconfigRoutes,
  registerAutodiscoverRoutes,
  registerAutodiscoverJsonRoutes,
  registerMobileconfigRoutes,
  registerDavDiscoveryRoutes,
  registerSetupPageRoutes,
  registerTlsAllowedRoute,
]
