import type { ServerOptions } from 'node:https'
import type { Server as TlsServer } from 'node:tls'
import type { FastifyBaseLogger } from 'fastify'
import type { ServiceOptions } from '../settings/model.js'
import type { Snapshot } from '../state/snapshot.js'
import { loadTlsContexts, selectContext, type TlsContexts } from './tls-contexts.js'

/**
 * The certificates being served. Node asks SNICallback on every handshake, so replacing the
 * contexts here takes effect for the next connection without touching open ones.
 */
export class CertificateStore {
  #contexts: TlsContexts

  constructor(contexts: TlsContexts) {
    this.#contexts = contexts
  }

  /** Fastify's `https` option: the first certificate as default, the others by server name. */
  httpsOptions(): ServerOptions {
    return {
      ...this.#contexts.fallback,
      SNICallback: (serverName, callback) => callback(null, selectContext(this.#contexts, serverName)),
    }
  }

  replace(contexts: TlsContexts, server: TlsServer): void {
    this.#contexts = contexts
    // Clients that send no server name get the server's own context: swap it too.
    server.setSecureContext(contexts.fallback)
  }
}

function warnRestartOnly(started: ServiceOptions, next: ServiceOptions, logger: FastifyBaseLogger): void {
  if ((started.tls === undefined) !== (next.tls === undefined))
    logger.warn('service.tls: switching built-in HTTPS on or off takes a restart; serving as before')
  if (JSON.stringify(started.trustProxy) !== JSON.stringify(next.trustProxy))
    logger.warn('service.trustProxy: a change takes a restart; the value from start-up still applies')
}

/**
 * The reloader's `prepare` step for how the service listens: loads the new certificates (a broken
 * one refuses the whole reload), swaps them in after the settings, and warns about changes that
 * only a restart applies (fastify sets trustProxy and the server type at construction).
 */
export function prepareNetworkReload(
  started: ServiceOptions,
  certificates: CertificateStore | undefined,
  server: TlsServer,
  logger: FastifyBaseLogger,
): (snapshot: Snapshot) => () => void {
  return (snapshot) => {
    const next = snapshot.settings.service
    const contexts =
      certificates !== undefined && next.tls !== undefined
        ? loadTlsContexts(next.tls, snapshot.settings)
        : undefined
    return () => {
      if (contexts !== undefined) certificates?.replace(contexts, server)
      warnRestartOnly(started, next, logger)
    }
  }
}
