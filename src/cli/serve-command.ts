import { setFlagsFromString } from 'node:v8'
import { isClusterPrimary, readWorkers, releaseFailedWorker, runClusterPrimary } from '../serve-cluster.js'
import { closeOnSignals, readServerEnv, startServer } from '../server.js'
import { asSettingsError, formatProblem } from '../settings/problems.js'
import { type Command, EXIT_FAILED, EXIT_OK, UsageError } from './usage.js'

// V8's young generation while settings load (kept at its initial size), and V8's default after.
const LOADING_YOUNG_GENERATION = '--semi-space-growth-factor=1'
const SERVING_YOUNG_GENERATION = '--semi-space-growth-factor=2'

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
    // While settings load, nearly everything allocated survives, so V8 grows its young generation to
    // 16 MiB per semi-space, and an idle service kept it: at 100,000 domains a quarter of its resident
    // memory (issue 9: RSS under 100 MB). Growth is allowed again once serving: with 1 MiB for good, an
    // Autodiscover POST cost three times the garbage collection (measured, 13 µs instead of 4).
    setFlagsFromString(LOADING_YOUNG_GENERATION)
    try {
      if (isClusterPrimary(workers)) return (await runClusterPrimary(env, workers)) ? EXIT_OK : EXIT_FAILED
      closeOnSignals(await startServer(env))
      setFlagsFromString(SERVING_YOUNG_GENERATION)
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
