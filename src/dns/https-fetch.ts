// One HTTPS request as a mail client makes it to `autoconfig.<domain>` / `autodiscover.<domain>`: TLS names
// and verifies that host (SNI + certificate check), wherever the connection actually goes
// (`--connect` in tests and for checking a server before DNS points at it). Time- and size-bounded.
import { Buffer } from 'node:buffer'
import { request } from 'node:https'

// An autoconfig document is a few kilobytes; anything past this is cut off rather than read.
const MAX_BODY = 256 * 1024

export interface FetchTarget {
  /** The name clients use; TLS verifies the certificate against it. */
  readonly host: string
  readonly method: 'GET' | 'POST'
  readonly path: string
  /** A POST body (XML). */
  readonly body?: string
  /** Where to connect: an IP address (already resolved) and port. */
  readonly address: string
  readonly port: number
  /** PEM CA certificates to trust instead of the system's (`--ca`). */
  readonly ca?: string
  readonly timeoutMs: number
}

export interface FetchedDocument {
  readonly status: number
  readonly contentType: string
  readonly body: string
}

/** A failure that says what went wrong in plain words (certificate, connection, timeout). */
export class FetchError extends Error {
  readonly code: string

  constructor(code: string, message: string) {
    super(message)
    this.name = 'FetchError'
    this.code = code
  }
}

function describe(error: NodeJS.ErrnoException, target: FetchTarget): FetchError {
  const code = String(error.code)
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return new FetchError(code, `the certificate is not valid for ${target.host}`)
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code))
    return new FetchError(code, `the certificate is not trusted (${code})`)
  return new FetchError(code, `${target.address}:${target.port}: ${error.message}`)
}

export function fetchDocument(target: FetchTarget): Promise<FetchedDocument> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: target.address,
      port: target.port,
      path: target.path,
      method: target.method,
      servername: target.host,
      headers: {
        host: target.host,
        'user-agent': 'mailsetup-doctor',
        ...(target.body === undefined ? {} : { 'content-type': 'text/xml; charset=utf-8' }),
      },
      ...(target.ca === undefined ? {} : { ca: target.ca }),
      agent: false,
    })
    // A server that accepts and never answers (or trickles) still ends within the deadline.
    const deadline = setTimeout(() => {
      req.destroy(Object.assign(new Error(`no answer within ${target.timeoutMs} ms`), { code: 'ETIMEDOUT' }))
    }, target.timeoutMs)
    const failed = (error: NodeJS.ErrnoException) => {
      clearTimeout(deadline)
      req.destroy()
      reject(describe(error, target))
    }
    req.on('error', failed)
    req.on('response', (res) => {
      res.on('error', failed)
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_BODY) req.destroy(Object.assign(new Error('answer too large'), { code: 'ETOOBIG' }))
        else chunks.push(chunk)
      })
      res.on('end', () => {
        clearTimeout(deadline)
        resolve({
          status: res.statusCode as number,
          contentType: res.headers['content-type'] ?? '',
          body: Buffer.concat(chunks).toString('utf8'),
        })
      })
    })
    req.end(target.body)
  })
}
