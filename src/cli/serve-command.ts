import { closeOnSignals, readServerEnv, startServer } from '../server.js'
import { asSettingsError, formatProblem } from '../settings/problems.js'
import { type Command, EXIT_FAILED, EXIT_OK, UsageError } from './usage.js'

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

Example:
  MAILSETUP_CONFIG=/etc/mailsetup/mailsetup.yaml PORT=8080 mailsetup serve`,
  async run(args, io) {
    if (args.length > 0)
      throw new UsageError(`serve takes no arguments (got "${args[0]}"); see mailsetup serve --help`)
    const env = readServerEnv(io.env)
    try {
      closeOnSignals(await startServer(env))
      return EXIT_OK
    } catch (thrown) {
      const error = asSettingsError(thrown)
      io.stderr(`${error.message}\n`)
      for (const problem of error.problems) io.stderr(`  ${formatProblem(error.source, problem)}\n`)
      return EXIT_FAILED
    }
  },
}
