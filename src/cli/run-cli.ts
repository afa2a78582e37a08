import { COMMANDS } from './commands.js'
import { type CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './usage.js'

async function overview(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map((c) => c.load()))
  const width = Math.max(...commands.map((c) => c.name.length))
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
  return `Usage: mailsetup <command> [options]

Commands:
${lines.join('\n')}

Run \`mailsetup <command> --help\` for a command's options.
`
}

/** Dispatches argv (without node and script) to a command; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(await overview())
    return name === undefined ? EXIT_USAGE : EXIT_OK
  }
  const entry = COMMANDS.find((c) => c.name === name)
  if (entry === undefined) {
    io.stderr(`mailsetup: unknown command "${name}"\n\n${await overview()}`)
    return EXIT_USAGE
  }
  const command = await entry.load()
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${command.help}\n`)
    return EXIT_OK
  }
  try {
    return await command.run(args, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`mailsetup ${name}: ${error.message}\n`)
      return EXIT_USAGE
    }
    io.stderr(`mailsetup ${name}: ${(error as Error).message}\n`)
    return EXIT_FAILED
  }
}
