// Who is asking, and which host it asked for, as Fastify's `request.ip` and `request.host` compute
// them under `service.trustProxy`: X-Forwarded-For / X-Forwarded-Host count only when the connection
// comes from a trusted proxy. One implementation for both the Fastify routes and the direct lane.
import type { IncomingMessage } from 'node:http'
import proxyAddr from '@fastify/proxy-addr'
import type { TrustProxy } from '../settings/model.js'

export interface ClientView {
  /** The client's address: the socket's, or the nearest untrusted one in X-Forwarded-For. */
  readonly address: (raw: IncomingMessage) => string
  /** The Host the client asked for: the Host header, or X-Forwarded-Host from a trusted proxy. */
  readonly host: (raw: IncomingMessage) => string
}

// A proxy may append its own entry to a repeated header: the last one is the nearest hop's.
function lastEntry(value: string): string {
  const comma = value.lastIndexOf(',')
  return (comma === -1 ? value : value.slice(comma + 1)).trim()
}

const plainHost = (raw: IncomingMessage) => raw.headers.host ?? ''

export function clientView(trustProxy: TrustProxy | undefined): ClientView {
  if (trustProxy === undefined || trustProxy === false) {
    // A socket already closed has no address any more: such a request counts as one unknown client.
    /* c8 ignore next -- requests are checked on arrival, while their socket is open */
    return { address: (raw) => raw.socket.remoteAddress ?? '', host: plainHost }
  }
  const trusted = trustProxy === true ? () => true : proxyAddr.compile([...trustProxy])
  return {
    /* c8 ignore next -- as above: proxy-addr has no address for a closed socket */
    address: (raw) => proxyAddr(raw, trusted) ?? '',
    host: (raw) => {
      const forwarded = raw.headers['x-forwarded-host']
      const viaProxy = trusted(raw.socket.remoteAddress as string, 0)
      return typeof forwarded === 'string' && forwarded !== '' && viaProxy
        ? lastEntry(forwarded)
        : plainHost(raw)
    },
  }
}
