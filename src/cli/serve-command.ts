import { isClusterPrimary, readWorkers, releaseFailedWorker, runClusterPrimary } from '../serve-cluster.js'
import { closeOnSignals, readServerEnv, startServer } from '../server.js'
import { asSettingsError, formatProblem } from '../settings/problems.js'
import { type Command, EXIT_FAILED, EXIT_OK, UsageError } from './usage.js'
import {
  allowYoungGenerationGrowth,
  collectGarbage,
  keepTickMapsAlive,
  keepYoungGenerationSmall,
  stopPretenuring,
} from './v8-memory.js'

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the HTTP service (what `npm start` runs)',
  help: `Usage: mailsetup serve

Runs the service. Settings come from the environment:
  MAILSETUP_CONFIG      config file (default: config/mailsetup.yaml)
  HOST                  address to listen on (default: 0.0.0.0)
  PORT                  port to listen on (default: 8080)
  LOG_LEVEL             fatal, error, warn, info, debug, trace or silent (default: info)
  SHUTDOWN_TIMEOUT_MS   how long SIGTERM waits for in-flight requests (default: 10000)
  WORKERS               processes serving the port: a number up to 64, or auto (one per CPU; default: 1)
  METRICS_PORT          serve GET /metrics on this port instead of the main one (default: unset)

Signals: SIGHUP reloads the config (so does saving the file); SIGTERM or SIGINT stop gracefully.

Example:
  MAILSETUP_CONFIG=/etc/mailsetup/mailsetup.yaml PORT=8080 mailsetup serve`,
  async run(args, io) {
    if (args.length > 0)
      throw new UsageError(`serve takes no arguments (got "${args[0]}"); see mailsetup serve --help`)
    const env = readServerEnv(io.env)
    const workers = readWorkers(io.env)
    // Memory once listening is what the service keeps, not what loading used; and no collection,
    // ours or V8's, may slow down process.nextTick for good (v8-memory.ts).
    keepTickMapsAlive()
    keepYoungGenerationSmall()
    try {
      if (isClusterPrimary(workers)) return (await runClusterPrimary(env, workers)) ? EXIT_OK : EXIT_FAILED
      closeOnSignals(await startServer(env, { beforeListen: collectGarbage }))
      allowYoungGenerationGrowth()
      stopPretenuring()
      return EXIT_OK
    } catch (thrown) {
      releaseFailedWorker()
      const error = asSettingsError(thrown)
      io.stderr(`${error.message}\n`)
      for (const problem of error.problems) io.stderr(`  ${formatProblem(error.source, problem)}\n`)
      return EXIT_FAILED
    }
  },
}
