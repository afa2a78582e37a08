import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sendError } from '../http/error-status.js'
import { describeError } from '../logging/redact.js'
import { MAX_REQUEST_BYTES, parseAutodiscoverRequest } from '../xml-input/parse-request.js'
import { answerPox, type PoxAnswer, poxError } from './autodiscover-answer.js'
import { POX_PATH } from './autodiscover-paths.js'
import type { RouteContext } from './context.js'

// Exchange answers text/xml; lower case, as Thunderbird compares it case-sensitively.
export const POX_CONTENT_TYPE = 'text/xml; charset=utf-8'

function send(reply: FastifyReply, answer: PoxAnswer): FastifyReply {
  if (answer.kind === 'http-redirect') return reply.redirect(answer.location, 302)
  return reply.code(200).type(POX_CONTENT_TYPE).send(answer.body)
}

/** Any non-empty value but `0` announces MAPI over HTTP support (MS-OXDSCLI 2.2.3.1.3). */
function announcesMapiHttp(request: FastifyRequest): boolean {
  const value = request.headers['x-mapihttpcapability']
  return typeof value === 'string' && value !== '' && value !== '0'
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
    pox.setErrorHandler((error: FastifyError, request, reply) => {
      if (error.statusCode === 413) return sendError(reply, error)
      const server = error.statusCode === undefined || error.statusCode >= 500
      if (server) request.log.error({ err: describeError(error) }, 'autodiscover request failed')
      return send(reply, poxError(context.store.current, server ? 603 : 600))
    })
    pox.post(POX_PATH, async (request, reply) => {
      const parsed = parseAutodiscoverRequest(request.body as Buffer | undefined)
      if (!parsed.ok) request.log.info({ reason: parsed.reason }, 'autodiscover request refused')
      return send(reply, answerPox(context.store.current, { parsed, mapiHttp: announcesMapiHttp(request) }))
    })
    // Outlook for Android, MyMail and Spike send a body-less GET; Exchange answers it with error 600.
    pox.get(POX_PATH, async (request, reply) => {
      const location = httpsRedirect(context, request)
      if (location !== undefined) return reply.redirect(location, 302)
      return send(reply, poxError(context.store.current, 600))
    })
  })
}
