import type { FastifyError, FastifyReply } from 'fastify'
import { type ErrorKind, isMailsetupError } from '../errors.js'

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
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return sendPlain(reply, status, (error as FastifyError).message.split('\n')[0] as string)
  }
  reply.log.error({ err: error }, 'request failed')
  return sendPlain(reply, 500, 'internal error')
}
