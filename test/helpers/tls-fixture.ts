// Test certificates made with openssl (a CA and a server certificate for the given names), and a TLS
// front end on 127.0.0.1 that forwards to a plain-HTTP server, as a reverse proxy does in production.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { type AddressInfo, connect, type Server } from 'node:net'
import { join } from 'node:path'
import { createServer } from 'node:tls'

export interface TestCertificates {
  readonly caFile: string
  readonly key: string
  readonly cert: string
}

function openssl(args: string[]) {
  execFileSync('openssl', args, { stdio: 'ignore' })
}

/** A throw-away CA and a server certificate valid for `names` (subjectAltName), in `dir`. */
export function makeCertificates(dir: string, names: readonly string[]): TestCertificates {
  const at = (file: string) => join(dir, file)
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=mailsetup test CA',
  ])
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    at('server.key'),
    '-out',
    at('server.csr'),
    '-subj',
    `/CN=${names[0]}`,
  ])
  writeFileSync(at('san.ext'), `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\n`)
  openssl([
    'x509',
    '-req',
    '-in',
    at('server.csr'),
    '-CA',
    at('ca.pem'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-out',
    at('server.pem'),
    '-days',
    '2',
    '-extfile',
    at('san.ext'),
  ])
  return {
    caFile: at('ca.pem'),
    key: readFileSync(at('server.key'), 'utf8'),
    cert: readFileSync(at('server.pem'), 'utf8'),
  }
}

/** TLS on 127.0.0.1:<port> in front of 127.0.0.1:`backendPort`. */
export async function startTlsFront(certs: TestCertificates, backendPort: number) {
  const server: Server = createServer({ key: certs.key, cert: certs.cert }, (socket) => {
    const backend = connect(backendPort, '127.0.0.1')
    socket.pipe(backend).pipe(socket)
    const end = () => {
      socket.destroy()
      backend.destroy()
    }
    socket.on('error', end)
    backend.on('error', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
