import { DEFAULT_CONFIG_PATH } from '../server.js'
import { loadSettings } from '../settings/load-settings.js'
import { asSettingsError, formatProblem } from '../settings/problems.js'
import { type Command, EXIT_FAILED, EXIT_OK, UsageError } from './usage.js'

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a config file and list every problem with its path',
  help: `Usage: mailsetup validate [config]

Loads a config file (default: $MAILSETUP_CONFIG, else config/mailsetup.yaml) and prints every
problem with its line and path. Exit code 0 when it can be served (warnings allowed), 1 when not.

Example:
  mailsetup validate config/mailsetup.yaml`,
  async run(args, io) {
    if (args.length > 1)
      throw new UsageError('validate takes at most one config path; see mailsetup validate --help')
    const path = args[0] ?? (io.env.MAILSETUP_CONFIG || DEFAULT_CONFIG_PATH)
    try {
      const { settings, warnings } = loadSettings(path)
      for (const warning of warnings) io.stdout(`warning: ${formatProblem(path, warning)}\n`)
      io.stdout(
        `${path}: OK (${settings.domains.length} domains, ${settings.lookup.size - settings.domains.length} aliases, ${warnings.length} warnings)\n`,
      )
      return EXIT_OK
    } catch (thrown) {
      const error = asSettingsError(thrown)
      for (const problem of error.problems) io.stderr(`error: ${formatProblem(path, problem)}\n`)
      io.stderr(`${error.message}\n`)
      return EXIT_FAILED
    }
  },
}
