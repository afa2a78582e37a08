// Config files for the bench, written to its work folder: the bundled config with rate limiting at its
// largest values (one loopback client would be limited at once), and a copy with Apple profile signing on.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { CLI, ROOT } from './processes.js'

// The largest allowed values: the limiter still runs on every request, so its cost is measured.
export const BENCH_RATE_LIMIT = { requestsPerMinute: 1_000_000, burst: 1_000_000 }

/** Whether the build loads the file (`mailsetup validate`): features on main differ over time. */
export function validates(file: string): boolean {
  return spawnSync(process.execPath, [CLI, 'validate', file], { stdio: 'ignore' }).status === 0
}

type Config = { service?: Record<string, unknown> } & Record<string, unknown>

/** Writes `config` with extra `service` keys when the build knows them; returns whether it did. */
export function writeWithService(file: string, config: Config, extra: Record<string, unknown>): boolean {
  writeFileSync(file, stringify({ ...config, service: { ...config.service, ...extra } }))
  if (validates(file)) return true
  writeFileSync(file, stringify(config))
  return false
}

export interface BenchConfigs {
  readonly plain: string
  /** Undefined when this build cannot sign profiles (or openssl is missing). */
  readonly signed?: string
  readonly rateLimited: boolean
}

export function writeBenchConfigs(workDir: string): BenchConfigs {
  const bundled = parse(readFileSync(join(ROOT, 'config/mailsetup.yaml'), 'utf8')) as Config
  const plain = join(workDir, 'bench.yaml')
  const rateLimited = writeWithService(plain, bundled, { rateLimit: BENCH_RATE_LIMIT })
  const base = parse(readFileSync(plain, 'utf8')) as Config
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
  const signing = { profileSigning: { certificate: 'bench-cert.pem', key: 'bench-key.pem' } }
  const canSign = keyed.status === 0 && writeWithService(signed, base, signing)
  return { plain, rateLimited, ...(canSign ? { signed } : {}) }
}
