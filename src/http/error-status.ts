import type { FastifyReply } from 'fastify'
import { errorAnswer, plainAnswer, sendAnswer } from './answer.js'

/** A one-line plain-text answer: easy to read with curl, and nothing the client sent is echoed. */
export function sendPlain(reply: FastifyReply, status: number, message: string): FastifyReply {
  return sendAnswer(reply, plainAnswer(status, message))
}

/** An error as its HTTP answer (http/answer.ts `errorAnswer`). */
export function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  return sendAnswer(reply, errorAnswer(error))
}
