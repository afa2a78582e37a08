import { createHmac } from 'node:crypto'

/**
 * The request path as logged: no query string (Thunderbird sends `?emailaddress=`), and any path
 * segment that holds an address (Autodiscover v2 `/v1.0/<address>`) replaced.
 */
export function loggablePath(url: string): string {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  if (!path.includes('@') && !/%40/i.test(path)) return path
  return path
    .split('/')
    .map((segment) => (segment.includes('@') || /%40/i.test(segment) ? '[address]' : segment))
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
