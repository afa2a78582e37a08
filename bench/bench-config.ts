// Config files for the bench, written to its work folder: the bundled config with rate limiting out of
// the way (one loopback client would be limited at once), and a copy with Apple profile signing on.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CLI, ROOT } from './processes.js'

// The largest allowed values: the limiter still runs on every request, so its cost is measured.
export const RATE_LIMIT_LINES = ['rateLimit:', '  requestsPerMinute: 1000000', '  burst: 1000000']

/** Whether the build loads the file (`mailsetup validate`): features on main differ over time. */
export function validates(file: string): boolean {
  return spawnSync(process.execPath, [CLI, 'validate', file], { stdio: 'ignore' }).status === 0
}

/** `service:` lines added to a config when the build knows them (rate limiting lands with hardening). */
export function writeWithService(file: string, text: string, lines: readonly string[]): boolean {
  const withLines = text.replace(/^service:\n/m, `service:\n${lines.map((l) => `  ${l}\n`).join('')}`)
  writeFileSync(file, withLines)
  if (validates(file)) return true
  writeFileSync(file, text)
  return false
}

export interface BenchConfigs {
  readonly plain: string
  /** Undefined when this build cannot sign profiles (or openssl is missing). */
  readonly signed?: string
  readonly rateLimited: boolean
}

export function writeBenchConfigs(workDir: string): BenchConfigs {
  const bundled = readFileSync(join(ROOT, 'config/mailsetup.yaml'), 'utf8')
  const plain = join(workDir, 'bench.yaml')
  const rateLimited = writeWithService(plain, bundled, RATE_LIMIT_LINES)
  const base = readFileSync(plain, 'utf8')
  const signed = join(workDir, 'bench-signed.yaml')
  const keyed = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=mailsetup bench'].concat([
      '-keyout',
      'bench-key.pem',
      '-out',
      'bench-cert.pem',
    ]),
    { cwd: workDir, stdio: 'ignore' },
  )
  const signing = ['profileSigning:', '  certificate: bench-cert.pem', '  key: bench-key.pem']
  const canSign = keyed.status === 0 && writeWithService(signed, base, signing)
  return { plain, rateLimited, ...(canSign ? { signed } : {}) }
}
