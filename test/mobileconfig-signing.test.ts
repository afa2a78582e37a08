import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { stringify } from 'yaml'
import { loadSettings } from '../src/settings/load-settings.js'
import { SettingsError } from '../src/settings/problems.js'
import { appFor, baseConfig, loadConfig } from './helpers/settings.js'

// A throw-away PKI made with openssl: root CA → intermediate → signing certificates (RSA and P-256).
// EC keys wherever the key type does not matter: RSA key generation is the slow part.
const dir = mkdtempSync(join(tmpdir(), 'mailsetup-signing-'))
const at = (name: string) => join(dir, name)
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })

function issue(name: string, issuer: string, ext: string, keyArgs: string[]) {
  openssl('genpkey', ...keyArgs, '-out', `${name}.key`)
  openssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=Test ${name}`, '-out', `${name}.csr`)
  writeFileSync(at(`${name}.ext`), ext)
  openssl(
    'x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`,
    '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`,
  ) // biome-ignore format: one openssl command
}

const RSA = ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']
const P256 = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
const CA_EXT = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n'
const LEAF_EXT = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n'
openssl('genpkey', ...P256, '-out', 'root.key')
openssl('req', '-x509', '-key', 'root.key', '-subj', '/CN=Test root', '-days', '2', '-out', 'root.pem')
issue('intermediate', 'root', CA_EXT, P256)
issue('signer', 'intermediate', LEAF_EXT, RSA)
issue('ecsigner', 'intermediate', LEAF_EXT, P256)
openssl('genpkey', '-algorithm', 'ED25519', '-out', 'ed25519.key')
openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1', '-out', 'k1.key')
writeFileSync(
  at('fullchain.pem'),
  readFileSync(at('signer.pem'), 'utf8') + readFileSync(at('intermediate.pem')),
)
writeFileSync(at('garbage.pem'), '-----BEGIN CERTIFICATE-----\nZm9vYmFy\n-----END CERTIFICATE-----\n')
writeFileSync(at('empty.pem'), 'nothing here\n')

type Signing = { certificate: string; key: string; chain?: string }
const signed = (signing: Signing) => baseConfig({ service: { profileSigning: signing } })
const URL = '/email.mobileconfig?email=alice@test.example'

async function fetchBody(config: Record<string, unknown>) {
  const app = appFor(config)
  const response = await app.inject({ url: URL })
  await app.close()
  t.equal(response.statusCode, 200)
  return response
}

/** `openssl cms -verify` against the root only: passes only if the intermediate travels inside. */
function verify(der: Buffer): Buffer {
  writeFileSync(at('profile.der'), der)
  return openssl('cms', '-verify', '-inform', 'DER', '-in', 'profile.der', '-CAfile', 'root.pem')
}

t.test('a signed profile verifies against the CA, with the unsigned profile inside', async (t) => {
  const signing = { certificate: at('signer.pem'), key: at('signer.key'), chain: at('intermediate.pem') }
  const response = await fetchBody(signed(signing))
  t.equal(response.headers['content-type'], 'application/x-apple-aspen-config')
  t.equal(response.headers['content-disposition'], 'attachment; filename="test.example.mobileconfig"')
  const der = response.rawPayload
  t.equal(der[0], 0x30, 'DER SEQUENCE')
  t.not(der[1], 0x80, 'definite length (DER), not BER indefinite')
  const unsigned = (await fetchBody(baseConfig())).body
  t.equal(verify(der).toString('utf8'), unsigned, 'encapsulated content equals the unsigned profile')
  const certs = openssl('pkcs7', '-inform', 'DER', '-in', 'profile.der', '-print_certs', '-noout').toString()
  t.match(certs, /CN\s*=\s*Test signer/)
  t.match(certs, /CN\s*=\s*Test intermediate/, 'the chain is included')
  t.notMatch(certs, /subject=CN\s*=\s*Test root/, 'the root stays on the device')
})

t.test('ECDSA P-256 keys sign too; the certificate file may carry the chain', async (t) => {
  const ec = await fetchBody(
    signed({ certificate: at('ecsigner.pem'), key: at('ecsigner.key'), chain: at('intermediate.pem') }),
  )
  t.match(verify(ec.rawPayload).toString('utf8'), /<plist version="1.0">/)
  const full = await fetchBody(signed({ certificate: at('fullchain.pem'), key: at('signer.key') }))
  t.match(verify(full.rawPayload).toString('utf8'), /com\.apple\.mail\.managed/)
})

t.test('relative paths are resolved against the config file folder', async (t) => {
  const path = at('mailsetup.yaml')
  const config = signed({ certificate: 'signer.pem', key: './signer.key', chain: 'intermediate.pem' })
  writeFileSync(path, stringify(config))
  const { settings, warnings } = loadSettings(path)
  t.same(warnings, [])
  t.equal(settings.service.profileSigning?.chain.length, 1)
  t.match(settings.service.profileSigning?.certificate.subject, /Test signer/)
})

function problemsOf(signing: Signing) {
  try {
    loadConfig(signed(signing))
  } catch (error) {
    if (error instanceof SettingsError) return error.problems.map((p) => `${p.path}: ${p.message}`)
    throw error
  }
  return []
}

t.test('unusable signing files are config errors with their paths', async (t) => {
  const good = { certificate: at('signer.pem'), key: at('signer.key') }
  t.match(problemsOf({ ...good, certificate: at('missing.pem') }), [
    /^service\.profileSigning\.certificate: cannot read .*missing\.pem \(ENOENT\)$/,
  ])
  t.match(problemsOf({ ...good, key: at('ecsigner.key') }), [
    /^service\.profileSigning\.key: .* does not match/,
  ])
  t.match(problemsOf({ ...good, certificate: at('garbage.pem') }), [/certificate: .* cannot be parsed/])
  t.match(problemsOf({ ...good, certificate: at('empty.pem') }), [/certificate: .* holds no PEM certificate/])
  t.match(problemsOf({ ...good, key: at('signer.pem') }), [/key: .* is not an unencrypted PEM private key/])
  t.match(problemsOf({ ...good, key: at('ed25519.key') }), [/key: .*ed25519 keys cannot sign/])
  t.match(problemsOf({ ...good, key: at('k1.key') }), [/key: .*secp256k1 keys cannot sign/])
  t.match(problemsOf({ ...good, key: at('missing.key') }), [/^service\.profileSigning\.key: cannot read/])
  t.match(problemsOf({ ...good, chain: at('missing.pem') }), [/^service\.profileSigning\.chain: cannot read/])
  const { warnings } = loadConfig(signed({ ...good, chain: at('root.pem') }))
  t.match(warnings, [{ path: 'service.profileSigning.chain', message: /did not issue/ }])
})
