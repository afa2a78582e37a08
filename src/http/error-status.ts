import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyReply } from 'fastify'
import { type ErrorKind, isMailsetupError } from '../errors.js'
import { describeError } from '../logging/redact.js'

const STATUS: Record<ErrorKind, number> = {
  'bad-address': 400,
  'missing-address': 400,
  'bad-request': 400,
  'unknown-domain': 404,
}

export const PLAIN_TEXT = 'text/plain; charset=utf-8'

/** A one-line plain-text answer: easy to read with curl, and nothing the client sent is echoed. */
export function sendPlain(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type(PLAIN_TEXT).send(`${message}\n`)
}

/** The one place where errors become HTTP statuses (Autodiscover answers with its own error document). */
export function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  if (isMailsetupError(error)) return sendPlain(reply, STATUS[error.kind], error.message)
  const status = (error as FastifyError).statusCode
  // Fastify's own messages may quote the request (a JSON syntax error quotes the body, a bad URL the
  // path): answer with the status text instead, so nothing the client sent is echoed.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return sendPlain(reply, status, (STATUS_CODES[status] ?? 'bad request').toLowerCase())
  }
  reply.log.error({ err: describeError(error) }, 'request failed')
  return sendPlain(reply, 500, 'internal error')
}

/** The status for a typed error, for routes that answer with their own body (the setup page's HTML). */
export function statusOf(kind: ErrorKind): number {
  return STATUS[kind]
}
