import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

export interface CertificateFiles {
  readonly cert: string
  readonly key: string
}

/** A self-signed P-256 certificate made with openssl (installed by scripts/install-system-deps.sh). */
export function makeCertificate(
  dir: string,
  name: string,
  options: { subject?: string; dnsNames?: readonly string[] } = {},
): CertificateFiles {
  const files = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) }
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  args.push('-keyout', files.key, '-out', files.cert, '-days', '2', '-subj', options.subject ?? `/CN=${name}`)
  if (options.dnsNames !== undefined)
    args.push('-addext', `subjectAltName=${options.dnsNames.map((n) => `DNS:${n}`).join(',')}`)
  execFileSync('openssl', args, { stdio: 'ignore' })
  return files
}
