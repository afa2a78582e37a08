// Picks the POX Autodiscover answer for a parsed request: settings, a redirect, or a protocol error.
// Pure apart from the clock: the route only sends what this returns.
import { isMailsetupError } from '../errors.js'
import { type ResponseSchema, matchSchema } from '../render/autodiscover-namespaces.js'
import {
  type AutodiscoverErrorCode,
  renderAutodiscoverError,
  serverIdFor,
} from '../render/autodiscover-error.js'
import { renderMobileSyncRedirect } from '../render/autodiscover-mobilesync.js'
import { renderOutlookRedirect } from '../render/autodiscover-redirect.js'
import { fillTemplateBytes } from '../render/template.js'
import { type Account, resolveAddress } from '../resolve/resolve-account.js'
import { documentsFor, type Snapshot } from '../state/snapshot.js'
import type { ParseResult } from '../xml-input/parse-request.js'

export type PoxAnswer =
  | { readonly kind: 'document'; readonly body: string | Buffer }
  /** A domain hosted elsewhere, asked by an ActiveSync device: its schema has no URL redirect. */
  | { readonly kind: 'http-redirect'; readonly location: string }

export interface PoxRequest {
  readonly parsed: ParseResult
  /** `X-MapiHttpCapability` was sent. */
  readonly mapiHttp: boolean
}

export function poxError(
  snapshot: Snapshot,
  code: AutodiscoverErrorCode,
  schema?: ResponseSchema,
): PoxAnswer {
  const serverId = serverIdFor(snapshot.settings.provider.id)
  const body = renderAutodiscoverError({ code, time: new Date(), serverId, ...(schema && { schema }) })
  return { kind: 'document', body }
}

/** `LegacyDN` may stand for the address (MS-OXDSCLI 2.2.3.1.1.1); only an address-like one can be resolved. */
function requestedAddress(request: { emailAddress?: string; legacyDn?: string }): string | undefined {
  if (request.emailAddress !== undefined) return request.emailAddress
  return request.legacyDn?.includes('@') ? request.legacyDn : undefined
}

function resolve(snapshot: Snapshot, address: string): Account | AutodiscoverErrorCode {
  try {
    return resolveAddress(snapshot.settings, address)
  } catch (error) {
    /* c8 ignore next -- resolveAddress throws only MailsetupError; anything else is a bug for the 603 handler */
    if (!isMailsetupError(error)) throw error
    return error.kind === 'unknown-domain' ? 500 : 600
  }
}

function redirectFor(account: Account, schema: ResponseSchema): PoxAnswer | undefined {
  const { domain, identity } = account
  if (domain.redirectUrl !== undefined) {
    if (schema === 'mobilesync') return { kind: 'http-redirect', location: domain.redirectUrl }
    return { kind: 'document', body: renderOutlookRedirect({ kind: 'url', url: domain.redirectUrl }) }
  }
  if (domain.aliasRedirect !== true || identity.domain === domain.name) return undefined
  const address = `${identity.localPart}@${domain.name}`
  const body =
    schema === 'mobilesync'
      ? renderMobileSyncRedirect(address)
      : renderOutlookRedirect({ kind: 'address', address })
  return { kind: 'document', body }
}

export function answerPox(snapshot: Snapshot, request: PoxRequest): PoxAnswer {
  if (!request.parsed.ok) return poxError(snapshot, 600)
  const fields = request.parsed.request
  if (fields.acceptableResponseSchema === undefined) return poxError(snapshot, 600)
  const schema = matchSchema(fields.acceptableResponseSchema)
  if (schema === undefined) return poxError(snapshot, 601)
  const address = requestedAddress(fields)
  if (address === undefined) return poxError(snapshot, fields.legacyDn === undefined ? 600 : 500, schema)
  const account = resolve(snapshot, address)
  if (typeof account === 'number') return poxError(snapshot, account, schema)
  const redirect = redirectFor(account, schema)
  if (redirect !== undefined) return redirect
  const documents = documentsFor(snapshot, account.profile).autodiscover
  const template =
    schema === 'mobilesync'
      ? documents.mobileSync
      : request.mapiHttp
        ? documents.outlookMapiHttp
        : documents.outlook
  if (template === undefined) return poxError(snapshot, schema === 'mobilesync' ? 601 : 501, schema)
  return { kind: 'document', body: fillTemplateBytes(template, account.identity) }
}
