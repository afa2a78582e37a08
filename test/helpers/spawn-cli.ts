// Runs `mailsetup` as a real process (src/cli.ts through the same TypeScript loader tap gave this test),
// so exit codes and output streams are what an operator sees.
import { spawn } from 'node:child_process'

const CLI = new URL('../../src/cli.ts', import.meta.url).pathname

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 100_000,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
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
