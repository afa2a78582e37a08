import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type Answer, type LogNote, sendAnswer } from '../http/answer.js'
import { sendError } from '../http/error-status.js'
import { describeError } from '../logging/redact.js'
import type { Snapshot } from '../state/snapshot.js'
import { MAX_REQUEST_BYTES, parseAutodiscoverRequest } from '../xml-input/parse-request.js'
import { answerPox, type PoxAnswer, poxError } from './autodiscover-answer.js'
import { POX_PATH } from './autodiscover-paths.js'
import type { RouteContext } from './context.js'
import { type Endpoint, endpointHandler } from './endpoint.js'

// Exchange answers text/xml; lower case, as Thunderbird compares it case-sensitively.
export const POX_CONTENT_TYPE = 'text/xml; charset=utf-8'

function toAnswer(answer: PoxAnswer, note?: LogNote): Answer {
  const http =
    answer.kind === 'http-redirect'
      ? { status: 302, body: '', headers: { location: answer.location } }
      : { status: 200, contentType: POX_CONTENT_TYPE, body: answer.body }
  return note === undefined ? http : { ...http, note }
}

function send(reply: FastifyReply, answer: PoxAnswer): FastifyReply {
  return sendAnswer(reply, toAnswer(answer))
}

/** Any non-empty value but `0` announces MAPI over HTTP support (MS-OXDSCLI 2.2.3.1.3). */
function announcesMapiHttp(headers: IncomingHttpHeaders): boolean {
  const value = headers['x-mapihttpcapability']
  return typeof value === 'string' && value !== '' && value !== '0'
}

/** An internal failure: error 603 (MS-OXDSCLI 2.2.4.2.1.1.3), logged without its message. */
function failed(snapshot: Snapshot, error: unknown): Answer {
  const fields = { err: describeError(error) }
  return toAnswer(poxError(snapshot, 603), { level: 'error', message: 'autodiscover request failed', fields })
}

/** POX Autodiscover: the request body read safely, answered from the profile's prepared documents. */
export const POX_ENDPOINT: Endpoint = {
  method: 'POST',
  paths: [POX_PATH],
  maxBodyBytes: MAX_REQUEST_BYTES,
  answer(snapshot, request) {
    const parsed = parseAutodiscoverRequest(request.body)
    const answer = answerPox(snapshot, { parsed, mapiHttp: announcesMapiHttp(request.headers) })
    if (parsed.ok) return toAnswer(answer)
    return toAnswer(answer, {
      level: 'info',
      message: 'autodiscover request refused',
      fields: { reason: parsed.reason },
    })
  },
  failed,
}

/**
 * The HTTP redirect method (MS-OXDSCLI 3.1.5.1): an unauthenticated GET over plain http is sent to
 * the HTTPS endpoint. `request.protocol` honours X-Forwarded-Proto only from a trusted proxy.
 */
function httpsRedirect(context: RouteContext, request: FastifyRequest): string | undefined {
  const { service } = context.store.current.settings
  if (service.httpsRedirect !== true || request.protocol !== 'http') return undefined
  if (request.headers.authorization !== undefined) return undefined
  return `${(service.publicUrl as string).replace(/\/+$/, '')}${POX_PATH}`
}

/**
 * POX Autodiscover (CLIENTS.md §2). An encapsulated plugin, so that its body parser can read the XML
 * whatever the Content-Type says: FairEmail posts it as application/x-www-form-urlencoded, which the
 * app-wide form parser would otherwise claim.
 */
export function registerAutodiscoverRoutes(app: FastifyInstance, context: RouteContext): void {
  app.register(async (pox) => {
    pox.removeAllContentTypeParsers()
    pox.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: MAX_REQUEST_BYTES },
      (_request, body, done) => done(null, body),
    )
    // Errors are protocol documents with status 200; only an oversize body keeps its 413.
    pox.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error.statusCode === 413) return sendError(reply, error)
      const server = error.statusCode === undefined || error.statusCode >= 500
      if (server) return sendAnswer(reply, failed(context.store.current, error))
      return send(reply, poxError(context.store.current, 600))
    })
    pox.post(POX_PATH, endpointHandler(context, POX_ENDPOINT))
    // Outlook for Android, MyMail and Spike send a body-less GET; Exchange answers it with error 600.
    pox.get(POX_PATH, async (request, reply) => {
      const location = httpsRedirect(context, request)
      if (location !== undefined) return reply.redirect(location, 302)
      return send(reply, poxError(context.store.current, 600))
    })
  })
}
