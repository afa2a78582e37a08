import { spawn } from 'node:child_process'
import { runCli } from '../../src/cli/run-cli.js'

/** The built executable: `npm test` runs `npm run build` before tap (run it yourself for single files). */
export const CLI_ENTRY = new URL('../../dist/cli.js', import.meta.url).pathname

/** Runs the CLI in-process and captures what it prints. */
export async function runInProcess(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
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

/**
 * Runs `mailsetup` as a real process from the build, as users run it. tap still collects its
 * coverage and maps it back to src/ through the source maps; starting takes a fraction of a second
 * where loading the TypeScript sources through tap's loader takes several.
 */
export function spawnCli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [CLI_ENTRY, ...argv], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString()
  })
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString()
  })
  const done = new Promise<{
    code: number | null
    signal: NodeJS.Signals | null
    stdout: string
    stderr: string
  }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })))
  return { child, done, output: () => stdout }
}
