import type { FastifyInstance, FastifyReply } from 'fastify'
import { isMailsetupError } from '../errors.js'
import { queryValue } from '../http/query.js'
import {
  INVALID_PROTOCOL,
  matchV2Protocol,
  renderV2Answer,
  v2Url,
  type V2Error,
} from '../render/autodiscover-v2.js'
import { resolveAddress } from '../resolve/resolve-account.js'
import { JSON_PATH } from './autodiscover-paths.js'
import type { RouteContext } from './context.js'

/** Query names as Outlook spells them (`Email`, `Protocol`), matched case-insensitively. */
function param(query: unknown, name: string): string | undefined {
  const key = Object.keys(query as object).find((k) => k.toLowerCase() === name)
  return key === undefined ? undefined : queryValue(query, key)
}

function fail(reply: FastifyReply, status: number, error: V2Error): FastifyReply {
  return reply.code(status).send(error)
}

const INVALID_ADDRESS: V2Error = Object.freeze({
  ErrorCode: 'InvalidEmailAddress',
  ErrorMessage: 'Send the email address as ?Email=… or /v1.0/<address>.',
})
const NOT_FOUND: V2Error = Object.freeze({
  ErrorCode: 'NotFound',
  ErrorMessage: 'This domain is not hosted here.',
})

/**
 * Autodiscover v2 (CLIENTS.md §2): `GET /autodiscover/autodiscover.json?Email=…&Protocol=…` and
 * `GET /autodiscover/autodiscover.json/v1.0/<address>?Protocol=…`, answered in JSON.
 */
export function registerAutodiscoverJsonRoutes(app: FastifyInstance, context: RouteContext): void {
  const answer = (address: string | undefined, query: unknown, reply: FastifyReply) => {
    const protocol = matchV2Protocol(param(query, 'protocol'))
    if (protocol === undefined) return fail(reply, 400, INVALID_PROTOCOL)
    if (address === undefined) return fail(reply, 400, INVALID_ADDRESS)
    const { settings } = context.store.current
    let account: ReturnType<typeof resolveAddress>
    try {
      account = resolveAddress(settings, address)
    } catch (error) {
      /* c8 ignore next -- resolveAddress throws only MailsetupError; anything else goes to the error handler */
      if (!isMailsetupError(error)) throw error
      return error.kind === 'unknown-domain' ? fail(reply, 404, NOT_FOUND) : fail(reply, 400, INVALID_ADDRESS)
    }
    const mailDomain = account.identity.domain
    const url = v2Url(protocol, { service: settings.service, domain: account.domain, mailDomain })
    if (url === undefined) return fail(reply, 400, INVALID_PROTOCOL)
    return reply.send(renderV2Answer(protocol, url))
  }
  app.get(JSON_PATH, async (request, reply) => answer(param(request.query, 'email'), request.query, reply))
  app.get(`${JSON_PATH}/v1.0/:address`, async (request, reply) =>
    answer((request.params as { address: string }).address, request.query, reply),
  )
}
