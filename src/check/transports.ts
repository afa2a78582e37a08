import { Buffer } from 'node:buffer'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { CheckResponse, Transport } from './types.js'

// Answers are a few kilobytes; a deployment sending more is cut off rather than filling memory.
const MAX_BODY = 1024 * 1024

function flatHeaders(headers: IncomingHttpHeaders | Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  // Node lists a repeated header (Set-Cookie) as an array; present headers are never undefined.
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = [value].flat().join(', ')
  return out
}

/** In-process: the same app, renderers and prepared documents the server uses, without a socket. */
export function injectTransport(app: FastifyInstance): Transport {
  return async (request) => {
    const response = await app.inject({
      method: request.method,
      url: request.path,
      headers: { host: request.host, ...request.headers },
      ...(request.body === undefined ? {} : { payload: request.body }),
    })
    return { status: response.statusCode, headers: flatHeaders(response.headers), body: response.body }
  }
}

/**
 * Over HTTP(S) to one deployment: every request goes to `base`, with the Host header the real client
 * would send (autoconfig.<domain>, autodiscover.<domain>) so the service picks the same domain.
 * TLS still names and verifies the base URL's host. Redirects are reported, not followed.
 */
export function httpTransport(base: URL, timeoutMs: number): Transport {
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest
  const prefix = base.pathname.replace(/\/+$/, '')
  const bareHost = base.hostname.replace(/^\[|\]$/g, '')
  return (request) =>
    new Promise<CheckResponse>((resolve, reject) => {
      const req = send(
        new URL(prefix + request.path, base.origin),
        {
          method: request.method,
          headers: { ...request.headers, host: request.host, 'user-agent': 'mailsetup-check' },
          ...(isIP(bareHost) === 0 ? { servername: bareHost } : {}),
        },
        (res) => {
          const chunks: Buffer[] = []
          let size = 0
          res.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > MAX_BODY) req.destroy(new Error(`answer larger than ${MAX_BODY} bytes`))
            else chunks.push(chunk)
          })
          res.on('end', () =>
            resolve({
              status: res.statusCode as number,
              headers: flatHeaders(res.headers),
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          )
        },
      )
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
      req.on('error', reject)
      req.end(request.body)
    })
}
