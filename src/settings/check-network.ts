import { isIP } from 'node:net'
import type { ServiceOptions, TrustProxy } from './model.js'
import type { ProblemList } from './problems.js'
import type { ConfigFile } from './schema.js'

// proxy-addr's (fastify's) names for address ranges.
const KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal'])

/** `10.0.0.0/8`, `::1`, `192.168.0.0/255.255.0.0` or a keyword: what fastify's trustProxy accepts. */
function isProxyAddress(entry: string): boolean {
  if (KEYWORDS.has(entry)) return true
  const [address = '', prefix, ...rest] = entry.split('/')
  const version = isIP(address)
  if (version === 0 || rest.length > 0) return false
  if (prefix === undefined) return true
  if (/^\d{1,3}$/.test(prefix)) return Number(prefix) <= (version === 4 ? 32 : 128)
  return version === 4 && isIP(prefix) === 4
}

function checkTrustProxy(value: boolean | string | string[], problems: ProblemList): TrustProxy {
  if (typeof value === 'boolean') return value
  const list = (typeof value === 'string' ? value.split(',') : value).map((entry) => entry.trim())
  list.forEach((entry, i) => {
    if (!isProxyAddress(entry)) {
      const path = typeof value === 'string' ? 'service.trustProxy' : `service.trustProxy[${i}]`
      problems.error(path, `"${entry}" is not an IP address, CIDR range, loopback, linklocal or uniquelocal`)
    }
  })
  return Object.freeze(list)
}

/** `service.tls` and `service.trustProxy`: how the service listens. */
export function buildNetworkOptions(
  entry: ConfigFile['service'],
  problems: ProblemList,
): Partial<ServiceOptions> {
  const options: { tls?: ServiceOptions['tls']; trustProxy?: TrustProxy } = {}
  if (entry?.tls !== undefined) {
    const certificates = entry.tls.certificates.map((files) =>
      Object.freeze({ cert: files.cert, key: files.key }),
    )
    options.tls = Object.freeze({ certificates: Object.freeze(certificates) })
  }
  if (entry?.trustProxy !== undefined) options.trustProxy = checkTrustProxy(entry.trustProxy, problems)
  return options
}
