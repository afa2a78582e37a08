import type { FastifyInstance } from 'fastify'
import { isMailsetupError } from '../errors.js'
import { type Answer, errorAnswer } from '../http/answer.js'
import { queryValue } from '../http/query.js'
import {
  INVALID_PROTOCOL,
  matchV2Protocol,
  renderV2Answer,
  type V2Error,
  v2Url,
} from '../render/autodiscover-v2.js'
import { resolveAddress } from '../resolve/resolve-account.js'
import type { Snapshot } from '../state/snapshot.js'
import { JSON_PATH } from './autodiscover-paths.js'
import type { RouteContext } from './context.js'
import { type Endpoint, endpointHandler, type Query } from './endpoint.js'

// As Fastify serialises an object: Outlook reads it as JSON.
const JSON_TYPE = 'application/json; charset=utf-8'

/** Query names as Outlook spells them (`Email`, `Protocol`), matched case-insensitively. */
function param(query: Query, name: string): string | undefined {
  const key = Object.keys(query).find((k) => k.toLowerCase() === name)
  return key === undefined ? undefined : queryValue(query, key)
}

const json = (status: number, value: object): Answer => ({
  status,
  contentType: JSON_TYPE,
  body: JSON.stringify(value),
})

const INVALID_ADDRESS: V2Error = Object.freeze({
  ErrorCode: 'InvalidEmailAddress',
  ErrorMessage: 'Send the email address as ?Email=… or /v1.0/<address>.',
})
const NOT_FOUND: V2Error = Object.freeze({
  ErrorCode: 'NotFound',
  ErrorMessage: 'This domain is not hosted here.',
})

/** The v2 answer for an address (from the query or the path) and the requested protocol. */
function answerV2(snapshot: Snapshot, address: string | undefined, query: Query): Answer {
  const protocol = matchV2Protocol(param(query, 'protocol'))
  if (protocol === undefined) return json(400, INVALID_PROTOCOL)
  if (address === undefined) return json(400, INVALID_ADDRESS)
  const { settings } = snapshot
  const account = resolveAddress(settings, address)
  const mailDomain = account.identity.domain
  const url = v2Url(protocol, { service: settings.service, domain: account.domain, mailDomain })
  return url === undefined ? json(400, INVALID_PROTOCOL) : json(200, renderV2Answer(protocol, url))
}

/** Resolution errors in the protocol's JSON; anything else as the service's plain error. */
function failed(_snapshot: Snapshot, error: unknown): Answer {
  /* c8 ignore next -- resolveAddress throws only MailsetupError; anything else is a bug, answered 500 */
  if (!isMailsetupError(error)) return errorAnswer(error)
  return error.kind === 'unknown-domain' ? json(404, NOT_FOUND) : json(400, INVALID_ADDRESS)
}

/**
 * Autodiscover v2 (CLIENTS.md §2): `GET /autodiscover/autodiscover.json?Email=…&Protocol=…`, or with the
 * address in the path, `/autodiscover/autodiscover.json/v1.0/<address>?Protocol=…` (Fastify only).
 */
export const JSON_ENDPOINT: Endpoint = {
  method: 'GET',
  paths: [JSON_PATH],
  answer: (snapshot, { params, query }) =>
    answerV2(snapshot, params?.address ?? param(query, 'email'), query),
  failed,
}

export function registerAutodiscoverJsonRoutes(app: FastifyInstance, context: RouteContext): void {
  const handler = endpointHandler(context, JSON_ENDPOINT)
  app.get(JSON_PATH, handler)
  app.get(`${JSON_PATH}/v1.0/:address`, handler)
}
