// What an endpoint answers, apart from the HTTP layer that sends it: Fastify's reply, or the direct
// lane (http/direct-lane.ts) that serves the hottest prepared answers straight from node:http.
import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyReply } from 'fastify'
import { type ErrorKind, isMailsetupError } from '../errors.js'
import { describeError } from '../logging/redact.js'
import { claimDocument } from '../render/document-buffer.js'

export interface Answer {
  readonly status: number
  /** Absent for a body-less answer (a redirect). */
  readonly contentType?: string
  /** Text, or UTF-8 bytes already encoded (prepared documents: render/template.ts). */
  readonly body: string | Buffer
  readonly headers?: Readonly<Record<string, string>>
  /** A line for the log about this request: never an address or a piece of the body. */
  readonly note?: LogNote
}

export interface LogNote {
  readonly level: 'info' | 'error'
  readonly message: string
  readonly fields: Readonly<Record<string, unknown>>
}

const STATUS: Record<ErrorKind, number> = {
  'bad-address': 400,
  'missing-address': 400,
  'bad-request': 400,
  'unknown-domain': 404,
}

export const PLAIN_TEXT = 'text/plain; charset=utf-8'

/** A one-line plain-text answer: easy to read with curl, and nothing the client sent is echoed. */
export function plainAnswer(status: number, message: string, headers?: Record<string, string>): Answer {
  return { status, contentType: PLAIN_TEXT, body: `${message}\n`, ...(headers && { headers }) }
}

/** The one place where errors become HTTP statuses (Autodiscover answers with its own error document). */
export function errorAnswer(error: unknown): Answer {
  if (isMailsetupError(error)) return plainAnswer(STATUS[error.kind], error.message)
  const status = (error as FastifyError).statusCode
  // Fastify's own messages may quote the request (a JSON syntax error quotes the body, a bad URL the
  // path): answer with the status text instead, so nothing the client sent is echoed.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return plainAnswer(status, (STATUS_CODES[status] ?? 'bad request').toLowerCase())
  }
  const note: LogNote = { level: 'error', message: 'request failed', fields: { err: describeError(error) } }
  return { ...plainAnswer(500, 'internal error'), note }
}

/** The status for a typed error, for routes that answer with their own body (the setup page's HTML). */
export function statusOf(kind: ErrorKind): number {
  return STATUS[kind]
}

/** Sends an answer through Fastify (the direct lane writes the same headers itself). */
export function sendAnswer(reply: FastifyReply, answer: Answer): FastifyReply {
  if (answer.note !== undefined) reply.log[answer.note.level](answer.note.fields, answer.note.message)
  reply.code(answer.status)
  if (answer.headers !== undefined) reply.headers(answer.headers)
  if (answer.contentType === undefined) return reply.send()
  const sent = reply.type(answer.contentType).send(answer.body)
  // A filled document's bytes (a template's layout, or carved from a slab) are written again for a
  // later answer only once this response has finished: render/document-buffer.ts. So no onSend hook
  // may keep the payload beyond the response (a response cache would have to copy it).
  if (typeof answer.body !== 'string') claimDocument(answer.body, reply.raw)
  return sent
}
