import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls'
import type { Problem, Settings, TlsSettings } from '../settings/model.js'
import { SettingsError } from '../settings/problems.js'

/** Certificates loaded from disk and indexed by the names they cover. */
export interface TlsContexts {
  /** Key and certificate of the first entry: for clients that send no server name. */
  readonly fallback: SecureContextOptions
  readonly fallbackContext: SecureContext
  readonly exact: ReadonlyMap<string, SecureContext>
  /** `*.example.com` stored under `example.com`. */
  readonly wildcard: ReadonlyMap<string, SecureContext>
}

/** DNS names a certificate covers: its subjectAltName DNS entries, else its subject CN. */
export function certificateNames(pem: Buffer): string[] {
  const certificate = new X509Certificate(pem)
  const names = (certificate.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4).toLowerCase())
  if (names.length > 0) return names
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(certificate.subject)?.[1]
  return cn === undefined ? [] : [cn.toLowerCase()]
}

function readPem(path: string, where: string, problems: Problem[]): Buffer | undefined {
  try {
    return readFileSync(path)
  } catch (error) {
    // Errors from readFileSync always carry a code (ENOENT, EACCES, EISDIR).
    problems.push({ path: where, message: `cannot read ${path} (${(error as NodeJS.ErrnoException).code})` })
    return undefined
  }
}

/**
 * Reads every certificate and key of `service.tls` (paths relative to the config file) and checks
 * that each pair goes together. Throws SettingsError listing every problem, so a reload with a
 * broken certificate is refused like a broken config.
 */
export function loadTlsContexts(tls: TlsSettings, settings: Pick<Settings, 'source'>): TlsContexts {
  const base = dirname(settings.source)
  const problems: Problem[] = []
  const exact = new Map<string, SecureContext>()
  const wildcard = new Map<string, SecureContext>()
  const loaded: { options: SecureContextOptions; context: SecureContext }[] = []
  tls.certificates.forEach((files, i) => {
    const path = `service.tls.certificates[${i}]`
    const cert = readPem(resolve(base, files.cert), `${path}.cert`, problems)
    const key = readPem(resolve(base, files.key), `${path}.key`, problems)
    if (cert === undefined || key === undefined) return
    try {
      const context = createSecureContext({ cert, key })
      loaded.push({ options: { cert, key }, context })
      // The first certificate listed for a name wins, as in the config's order.
      for (const name of certificateNames(cert)) {
        const [map, key] = name.startsWith('*.') ? [wildcard, name.slice(2)] : [exact, name]
        if (!map.has(key)) map.set(key, context)
      }
    } catch (error) {
      problems.push({ path, message: `unusable certificate or key: ${(error as Error).message}` })
    }
  })
  if (problems.length > 0) throw new SettingsError(settings.source, problems)
  const first = loaded[0] as (typeof loaded)[0]
  return { fallback: first.options, fallbackContext: first.context, exact, wildcard }
}

/** The context for a server name (SNI): exact name, then wildcard, then the first certificate. */
export function selectContext(contexts: TlsContexts, serverName: string): SecureContext {
  const name = serverName.toLowerCase()
  const dot = name.indexOf('.')
  return (
    contexts.exact.get(name) ??
    (dot === -1 ? undefined : contexts.wildcard.get(name.slice(dot + 1))) ??
    contexts.fallbackContext
  )
}
