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
