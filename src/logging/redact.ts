import { createHmac } from 'node:crypto'

const ADDRESS_LIKE = /@|%40/i
// Autodiscover v2 puts the address after `/v1.0/`; a client may send a bare local part there.
const V2_SEGMENT = /\/v1\.0\//i

/**
 * The request path as logged: no query string (Thunderbird sends `?emailaddress=`), any path segment
 * that holds an address replaced, and whatever follows Autodiscover v2's `/v1.0/` too.
 */
export function loggablePath(url: string): string {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  const v2 = V2_SEGMENT.exec(path)
  const kept = v2 === null ? path : `${path.slice(0, v2.index + v2[0].length)}[address]`
  if (!ADDRESS_LIKE.test(kept)) return kept
  return kept
    .split('/')
    .map((segment) => (ADDRESS_LIKE.test(segment) ? '[address]' : segment))
    .join('/')
}

/** A stable pseudonym for an address, so one client's requests can be followed without storing it. */
export function hashAddress(address: string, secret: string): string {
  return createHmac('sha256', secret).update(address.toLowerCase()).digest('hex').slice(0, 16)
}

/**
 * What an unexpected error logs: its type, code and stack frames, but not its message, which may quote
 * an address or a piece of the request body (a parser's error, a library's message).
 */
export function describeError(error: unknown): { type: string; code?: string; stack?: string } {
  if (!(error instanceof Error)) return { type: typeof error }
  const code = (error as { code?: unknown }).code
  const stack = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n')
  return { type: error.name, ...(typeof code === 'string' ? { code } : {}), stack }
}
