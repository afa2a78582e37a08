// Runs `mailsetup` as a real process, so exit codes and output streams are what an operator sees.
// One spawning path for the whole suite: helpers/cli.ts (the built dist/cli.js, fast to start).
import { spawnCli as spawnBuilt } from './cli.js'

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export async function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const { code, stdout, stderr } = await spawnBuilt([...args], env).done
  return { code, stdout, stderr }
}

/** Runs the CLI in this process (for coverage and speed), capturing what it prints. */
export async function runCliHere(
  run: (
    argv: string[],
    io: { stdout: (s: string) => void; stderr: (s: string) => void; env: NodeJS.ProcessEnv },
  ) => Promise<number>,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const code = await run(args, {
    stdout: (s) => {
      stdout += s
    },
    stderr: (s) => {
      stderr += s
    },
    env,
  })
  return { code, stdout, stderr }
}
