import type { DestinationStream } from 'pino'
import { type ServerEnv, startServer } from '../../src/server.js'
import { BUNDLED_CONFIG } from './settings.js'

/** The service as `mailsetup serve` runs it, on a free loopback port; silent unless given a log stream. */
export function startLocalServer(options: Partial<ServerEnv> = {}, logs?: DestinationStream) {
  const env: ServerEnv = {
    configPath: BUNDLED_CONFIG,
    host: '127.0.0.1',
    port: 0,
    logLevel: logs === undefined ? 'silent' : 'info',
    shutdownTimeoutMs: 1000,
    ...options,
  }
  return startServer(env, { logDestination: logs })
}
