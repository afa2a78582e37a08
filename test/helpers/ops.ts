import { mkdtempSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { baseConfig } from './settings.js'

export interface LogLine {
  readonly level: number
  readonly msg: string
  readonly [key: string]: unknown
}

/** A pino destination that keeps every line, parsed. */
export function captureLogs() {
  const lines: LogLine[] = []
  return {
    lines,
    stream: { write: (text: string) => void lines.push(JSON.parse(text) as LogLine) },
    messages: () => lines.map((line) => line.msg),
  }
}

/** The base config whose IMAP servers live on `imapHost`: tells two versions of the settings apart. */
export function configWithImap(imapHost: string, overrides: Record<string, unknown> = {}): string {
  const config = baseConfig(overrides)
  const defaults = config.defaults as { incoming: { hostname: string }[] }
  for (const server of defaults.incoming) server.hostname = imapHost
  return stringify(config)
}

export function tempDir(prefix = 'mailsetup-ops-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Saves the way editors and `sed -i` do: write a new file, rename it over the old one. */
export function saveAtomically(path: string, text: string): void {
  const temp = `${path}.tmp-${process.pid}`
  writeFileSync(temp, text)
  renameSync(temp, path)
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error('timed out waiting')
    await sleep(20)
  }
}

/** Prometheus text → series (`name{label="v",…}` as written) to value. */
export function parseMetrics(text: string): Map<string, number> {
  const series = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const space = line.lastIndexOf(' ')
    series.set(line.slice(0, space), Number(line.slice(space + 1)))
  }
  return series
}
