/** A mistake in how the command was called: printed as one line, exit code 2, never a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export const EXIT_OK = 0
export const EXIT_FAILED = 1
export const EXIT_USAGE = 2

export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly env: NodeJS.ProcessEnv
}

export interface Command {
  readonly name: string
  readonly summary: string
  /** Full `--help` text. */
  readonly help: string
  /** Resolves to the exit code; a long-running command (serve) resolves when it has started. */
  readonly run: (args: string[], io: CliIo) => Promise<number>
}
