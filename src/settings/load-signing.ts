import { type KeyObject, X509Certificate, createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ProfileSigning } from './model.js'
import type { ProblemList } from './problems.js'
import type { ProfileSigningEntry } from './schema.js'

const PATH = 'service.profileSigning'
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g
// Apple devices verify RSA and ECDSA signatures; these are the curves WebCrypto can sign with.
const EC_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1'])

/** One file of PEM text, read at load time so a bad path stops the service before it serves. */
function readPem(file: string, baseDir: string, at: string, problems: ProblemList): string | undefined {
  const full = resolve(baseDir, file)
  try {
    return readFileSync(full, 'utf8')
  } catch (error) {
    problems.error(at, `cannot read ${full} (${String((error as NodeJS.ErrnoException).code)})`)
    return undefined
  }
}

function readCertificates(
  file: string,
  baseDir: string,
  at: string,
  problems: ProblemList,
): X509Certificate[] | undefined {
  const text = readPem(file, baseDir, at, problems)
  if (text === undefined) return undefined
  const blocks = text.match(PEM_CERTIFICATE) ?? []
  if (blocks.length === 0) {
    problems.error(at, `${file} holds no PEM certificate`)
    return undefined
  }
  try {
    return blocks.map((block) => new X509Certificate(block))
  } catch {
    problems.error(at, `${file} holds a certificate that cannot be parsed`)
    return undefined
  }
}

function readKey(file: string, baseDir: string, problems: ProblemList): KeyObject | undefined {
  const at = `${PATH}.key`
  const text = readPem(file, baseDir, at, problems)
  if (text === undefined) return undefined
  let key: KeyObject
  try {
    key = createPrivateKey(text)
  } catch {
    problems.error(at, `${file} is not an unencrypted PEM private key`)
    return undefined
  }
  const curve = key.asymmetricKeyDetails?.namedCurve
  if (key.asymmetricKeyType === 'rsa' || (key.asymmetricKeyType === 'ec' && EC_CURVES.has(String(curve)))) {
    return key
  }
  problems.error(
    at,
    `${file}: ${curve ?? key.asymmetricKeyType} keys cannot sign profiles; use RSA or ECDSA P-256/P-384/P-521`,
  )
  return undefined
}

/**
 * Loads and checks the profile-signing identity: every file readable, the key unencrypted and matching
 * the certificate. The certificate file may hold the whole chain (leaf first, as `fullchain.pem` does);
 * `chain` adds more intermediates. Problems carry their config path; nothing is loaded lazily.
 */
export function loadProfileSigning(
  entry: ProfileSigningEntry,
  baseDir: string,
  problems: ProblemList,
): ProfileSigning | undefined {
  const certificates = readCertificates(entry.certificate, baseDir, `${PATH}.certificate`, problems)
  const extra =
    entry.chain === undefined ? [] : readCertificates(entry.chain, baseDir, `${PATH}.chain`, problems)
  const key = readKey(entry.key, baseDir, problems)
  if (certificates === undefined || extra === undefined || key === undefined) return undefined
  const [certificate, ...rest] = certificates as [X509Certificate, ...X509Certificate[]]
  if (!certificate.checkPrivateKey(key)) {
    problems.error(`${PATH}.key`, `${entry.key} does not match the certificate in ${entry.certificate}`)
    return undefined
  }
  const chain = [...rest, ...extra]
  if (chain[0] !== undefined && !certificate.checkIssued(chain[0])) {
    problems.warn(
      `${PATH}.chain`,
      'the first chain certificate did not issue the signing certificate: devices may not find a trusted root',
    )
  }
  return Object.freeze({ certificate, key, chain: Object.freeze(chain) })
}
