import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { type Answer, sendAnswer } from '../http/answer.js'
import type { Snapshot } from '../state/snapshot.js'
import type { RouteContext } from './context.js'

export type Query = Readonly<Record<string, string | readonly string[] | undefined>>

/** What an endpoint reads of a request, whichever HTTP layer received it. */
export interface EndpointRequest {
  readonly query: Query
  /** The Host asked for (http/client-address.ts). */
  readonly host: string
  readonly headers: IncomingHttpHeaders
  readonly body?: Buffer
  /** Path parameters of a Fastify route (the direct lane serves exact paths only). */
  readonly params?: Readonly<Record<string, string>>
}

/**
 * An endpoint whose answer is prepared at load time and only picked per request. Fastify serves it
 * (inject, HEAD, any unusual request) and so does the direct lane (http/direct-lane.ts, issue 9),
 * both from these two functions, so the two cannot answer differently.
 */
export interface Endpoint {
  readonly method: 'GET' | 'POST'
  readonly paths: readonly string[]
  /** POST only: larger bodies are refused (413) by Fastify's body parser. */
  readonly maxBodyBytes?: number
  readonly answer: (snapshot: Snapshot, request: EndpointRequest) => Answer
  /** The answer when `answer` throws: a typed error's status, or the protocol's own error. */
  readonly failed: (snapshot: Snapshot, error: unknown) => Answer
}

export function answerEndpoint(endpoint: Endpoint, snapshot: Snapshot, request: EndpointRequest): Answer {
  try {
    return endpoint.answer(snapshot, request)
  } catch (error) {
    return endpoint.failed(snapshot, error)
  }
}

/** The Fastify handler of an endpoint: a plain function, no promise per request. */
export function endpointHandler(context: RouteContext, endpoint: Endpoint) {
  return (request: FastifyRequest, reply: FastifyReply) => {
    const input: EndpointRequest = {
      query: request.query as Query,
      host: context.client.host(request.raw),
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body as Buffer }),
      params: request.params as Record<string, string>,
    }
    sendAnswer(reply, answerEndpoint(endpoint, context.store.current, input))
  }
}
