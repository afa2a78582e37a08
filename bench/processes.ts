// The two servers under load, each its own process: the production build and the bare yardstick.
import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const ROOT = new URL('..', import.meta.url).pathname
export const CLI = join(ROOT, 'dist/mailsetup.js')

export interface ServiceProcess {
  readonly url: string
  readonly pid: number
  /** Process start (just before spawn) to fastify's "Server listening" log line, from its own clock. */
  readonly startupMs: number
  readonly logFile: string
  readonly child: ChildProcess
  readonly stop: () => Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export interface LogLine {
  readonly time: number
  readonly msg: string
  readonly [key: string]: unknown
}

/** The service's JSON log lines so far (it logs to a file, as it would to a log collector). */
export function readLog(file: string): LogLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine)
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
}

/** `node dist/mailsetup.js serve` (what the image runs) on a free loopback port, with production's log level. */
export async function startService(
  config: string,
  logFile: string,
  env: NodeJS.ProcessEnv = {},
): Promise<ServiceProcess> {
  const out = openSync(logFile, 'w')
  const started = Date.now()
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: {
      ...process.env,
      MAILSETUP_CONFIG: config,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      // One process, as the bare server is (a WORKERS from the caller's environment would fork workers
      // that pinning, applied to this process, does not reach).
      WORKERS: '1',
      ...env,
    },
    stdio: ['ignore', out, out],
  })
  closeSync(out)
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited: see ${logFile}`)
    const line = readLog(logFile).find(
      (l) => typeof l.msg === 'string' && l.msg.startsWith('Server listening'),
    )
    if (line !== undefined) {
      const url = /http:\/\/[^\s]+/.exec(line.msg)?.[0] as string
      const stop = async () => {
        child.kill('SIGTERM')
        await exited(child)
      }
      return { url, pid: child.pid as number, startupMs: line.time - started, logFile, child, stop }
    }
    await sleep(5)
  }
  child.kill('SIGKILL')
  throw new Error(`the service did not start within 120 s: see ${logFile}`)
}

/** The bare node:http server answering `doc` to every request. */
export async function startBare(
  doc: { status: number; headers: Readonly<Record<string, string>>; body: Buffer },
  workDir: string,
): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const file = join(workDir, 'bare-document.json')
  writeFileSync(
    file,
    JSON.stringify({
      status: doc.status,
      headers: doc.headers,
      bodyBase64: doc.body.toString('base64'),
    }),
  )
  const child = spawn(process.execPath, [new URL('./bare-server.js', import.meta.url).pathname, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()))
    child.once('exit', () => reject(new Error('the bare server exited')))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    stop: async () => {
      child.kill('SIGTERM')
      await exited(child)
    },
  }
}

/** Resident memory of a process in MB (Linux /proc), current and peak. */
export function memoryOf(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 }
}
