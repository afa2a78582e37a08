import type { FastifyInstance } from 'fastify'
import { AUTOCONFIG_ENDPOINT, registerAutoconfigRoutes } from './autoconfig.js'
import { POX_ENDPOINT, registerAutodiscoverRoutes } from './autodiscover.js'
import { JSON_ENDPOINT, registerAutodiscoverJsonRoutes } from './autodiscover-json.js'
import type { RouteContext } from './context.js'
import { registerDavDiscoveryRoutes } from './dav-discovery.js'
import type { Endpoint } from './endpoint.js'
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

/** Endpoints that the direct lane also serves (http/direct-lane.ts): the hottest prepared answers. */
export const DIRECT_ENDPOINTS: readonly Endpoint[] = [AUTOCONFIG_ENDPOINT, POX_ENDPOINT, JSON_ENDPOINT]
