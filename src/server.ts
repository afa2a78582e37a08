import type { Server as TlsServer } from 'node:tls'
import type { FastifyInstance } from 'fastify'
import type { DestinationStream, LevelWithSilent } from 'pino'
import { type AppOptions, buildApp } from './app.js'
import { UsageError } from './cli/usage.js'
import { closeGracefully } from './http/graceful-close.js'
import { CertificateStore, prepareNetworkReload } from './http/network-reload.js'
import { loadTlsContexts } from './http/tls-contexts.js'
import { createLogger, isLogLevel } from './logging/logger.js'
import { Metrics } from './metrics/metrics.js'
import { type MetricsServer, startMetricsServer } from './metrics/metrics-server.js'
import { type LoadedSettings, parseSettings, readConfigText } from './settings/load-settings.js'
import type { Settings } from './settings/model.js'
import { formatProblem } from './settings/problems.js'
import { startLiveConfig } from './state/live-config.js'
import { digestOf } from './state/reload-settings.js'
import { createSnapshot } from './state/snapshot.js'
import { SnapshotStore } from './state/snapshot-store.js'

export const DEFAULT_CONFIG_PATH = 'config/mailsetup.yaml'

export interface ServerEnv {
  readonly configPath: string
  readonly host: string
  readonly port: number
  readonly logLevel: string
  readonly shutdownTimeoutMs: number
  /** Serve `/metrics` on this port instead of the main one. */
  readonly metricsPort?: number
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new UsageError(`${name} must be an integer from 0 to ${max}`)
  return value
}

/** The environment variables the service reads, checked. */
export function readServerEnv(env: NodeJS.ProcessEnv): ServerEnv {
  const logLevel = env.LOG_LEVEL || 'info'
  if (!isLogLevel(logLevel))
    throw new UsageError('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent')
  return {
    configPath: env.MAILSETUP_CONFIG || DEFAULT_CONFIG_PATH,
    host: env.HOST || '0.0.0.0',
    port: integer(env, 'PORT', 8080, 65535),
    logLevel,
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 600_000),
    ...(env.METRICS_PORT ? { metricsPort: integer(env, 'METRICS_PORT', 0, 65535) } : {}),
  }
}

export interface RunningServer {
  readonly app: FastifyInstance
  readonly url: string
  readonly metrics: Metrics
  /** Set when METRICS_PORT is. */
  readonly metricsServer?: MetricsServer
  /** Stops accepting, lets in-flight requests finish, and resolves; gives up after the deadline. */
  readonly close: () => Promise<void>
}

interface Parts {
  readonly app: FastifyInstance
  readonly metrics: Metrics
  readonly certificates?: CertificateStore
}

/** The app with its metrics and, with `service.tls`, its certificates (a bad one throws SettingsError). */
function buildParts(
  settings: Settings,
  store: SnapshotStore,
  config: ServerEnv,
  options: Pick<AppOptions, 'logger' | 'isReady'>,
): Parts {
  const { tls } = settings.service
  const certificates = tls === undefined ? undefined : new CertificateStore(loadTlsContexts(tls, settings))
  const metrics = new Metrics(store)
  const https = certificates?.httpsOptions()
  const app = buildApp({
    store,
    ...options,
    metrics,
    metricsRoute: config.metricsPort === undefined,
    ...(https === undefined ? {} : { https }),
    ...(settings.service.trustProxy === undefined ? {} : { trustProxy: settings.service.trustProxy }),
  })
  return { app, metrics, ...(certificates === undefined ? {} : { certificates }) }
}

/**
 * The settings and the digest that live reload compares against. The text itself goes out of scope
 * here: held by startServer's frame until it returns, 5.5 MB at 100,000 domains outlived the
 * collection before listening.
 */
function readSettings(path: string): { loaded: LoadedSettings; digest: string } {
  const text = readConfigText(path)
  return { loaded: parseSettings(text, path), digest: digestOf(text) }
}

export interface StartOptions {
  /** Where the logs go (default: standard output). */
  readonly logDestination?: DestinationStream
  /** Runs once everything is built, just before listening (`serve` collects loading's garbage). */
  readonly beforeListen?: () => void
}

/** Loads settings (throws SettingsError with every problem), builds the app and listens. */
export async function startServer(config: ServerEnv, options: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel as LevelWithSilent, options.logDestination)
  const { loaded, digest } = readSettings(config.configPath)
  for (const warning of loaded.warnings) logger.warn(formatProblem(config.configPath, warning))
  let ready = true
  const store = new SnapshotStore(createSnapshot(loaded))
  const { app, metrics, certificates } = buildParts(loaded.settings, store, config, {
    logger,
    isReady: () => ready,
  })
  // SIGHUP is caught before the service says it listens: a reload sent right then must not end it.
  const live = startLiveConfig({
    path: config.configPath,
    store,
    logger,
    digest,
    prepare: prepareNetworkReload(
      loaded.settings.service,
      certificates,
      app.server as unknown as TlsServer,
      logger,
    ),
    onOutcome: (outcome) => metrics.countReload(outcome),
  })
  let url: string
  try {
    await app.ready()
    options.beforeListen?.()
    url = await app.listen({ host: config.host, port: config.port })
  } catch (error) {
    live.stop()
    throw error
  }
  const metricsServer =
    config.metricsPort === undefined
      ? undefined
      : await startMetricsServer(metrics, config.host, config.metricsPort)
  logger.info({ config: config.configPath, domains: loaded.settings.domains.length }, 'settings loaded')
  // Start-up lines now rather than within the output's 200 ms: operators and scripts wait for them.
  logger.flush()
  // prom-client is loaded now that requests are served (metrics.ts); failing to load it is a broken
  // install, which ends the process as failing to load any other module would.
  void metrics.start()
  const close = async () => {
    ready = false
    live.stop()
    await Promise.all([closeGracefully(app, config.shutdownTimeoutMs), metricsServer?.close()])
  }
  return { app, url, metrics, ...(metricsServer ? { metricsServer } : {}), close }
}

/** SIGTERM / SIGINT: stop accepting, finish in-flight requests, exit. */
export function closeOnSignals(server: RunningServer): void {
  const stop = (signal: string) => {
    server.app.log.info({ signal }, 'shutting down')
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGTERM', () => stop('SIGTERM'))
  process.once('SIGINT', () => stop('SIGINT'))
}
