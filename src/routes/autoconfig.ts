import type { FastifyInstance } from 'fastify'
import { errorAnswer } from '../http/answer.js'
import { queryValue } from '../http/query.js'
import { fillTemplateBytes } from '../render/template.js'
import { resolveAccount } from '../resolve/resolve-account.js'
import { documentsFor } from '../state/snapshot.js'
import type { RouteContext } from './context.js'
import { type Endpoint, endpointHandler } from './endpoint.js'

/** Every path a Mozilla-autoconfig client asks (CLIENTS.md §1); HEAD comes with GET. */
export const AUTOCONFIG_PATHS = [
  '/mail/config-v1.1.xml',
  '/.well-known/autoconfig/mail/config-v1.1.xml',
  '/v1.1/mail/config-v1.1.xml',
  // The newer draft's path, tried first by GNOME Online Accounts.
  '/.well-known/mail-v1.xml',
] as const

// Thunderbird compares the type case-sensitively and wants it lower case.
export const XML_CONTENT_TYPE = 'application/xml; charset=utf-8'

/** Mozilla autoconfig: the profile's prepared document with the address (or Host's domain) filled in. */
export const AUTOCONFIG_ENDPOINT: Endpoint = {
  method: 'GET',
  paths: AUTOCONFIG_PATHS,
  answer(snapshot, request) {
    const account = resolveAccount(snapshot.settings, {
      address: queryValue(request.query, 'emailaddress', 'email'),
      host: request.host,
    })
    // Only Evolution sends emailmd5, and it uses the last server of each type: give it one.
    const onePerType = queryValue(request.query, 'emailmd5') !== undefined
    if (!account.addressKnown) {
      const body = snapshot.addressFree.for(account.domain, onePerType ? 'onePerType' : 'full')
      return { status: 200, contentType: XML_CONTENT_TYPE, body }
    }
    const documents = documentsFor(snapshot, account.profile)
    const template = onePerType ? documents.autoconfigOnePerType : documents.autoconfig
    return { status: 200, contentType: XML_CONTENT_TYPE, body: fillTemplateBytes(template, account.identity) }
  },
  failed: (_snapshot, error) => errorAnswer(error),
}

export function registerAutoconfigRoutes(app: FastifyInstance, context: RouteContext): void {
  const handler = endpointHandler(context, AUTOCONFIG_ENDPOINT)
  for (const url of AUTOCONFIG_PATHS) app.get(url, handler)
}
