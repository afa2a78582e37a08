// POX Autodiscover error documents (MS-OXDSCLI 2.2.4.1.1.1, MS-ASCMD 2.2.3.63). Errors follow the
// protocol, not HTTP: they are sent with status 200, since Outlook treats any other status as "no
// Autodiscover here" (and 401 as a password prompt).
import { type ResponseSchema, RESPONSE_NS, schemaNamespace } from './autodiscover-namespaces.js'
import { el, renderXmlDocument } from './xml.js'

export type AutodiscoverErrorCode = 500 | 501 | 600 | 601 | 603

// Fixed wording: nothing the client sent is ever echoed into an error.
const MESSAGES: Readonly<Record<AutodiscoverErrorCode, string>> = {
  500: 'The email address can not be found.',
  501: 'No configuration is available for this email address.',
  600: 'Invalid Request',
  601: 'The requested response schema is not available.',
  603: 'Internal error.',
}

export interface ErrorInput {
  readonly code: AutodiscoverErrorCode
  /** The known schema the request asked for; otherwise the error sits in the outer namespace. */
  readonly schema?: ResponseSchema
  readonly time: Date
  /** Identifies this server (MS-ASCMD: an unsigned integer). */
  readonly serverId: string
}

/** `hh:mm:ss.fff` in UTC (MS-ASCMD 2.2.3.63 `time_val`). */
export function errorTime(time: Date): string {
  return time.toISOString().slice(11, 23)
}

/** A stable unsigned 32-bit id from the provider's hostname (FNV-1a): the same on every replica. */
export function serverIdFor(name: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193)
  return String(hash >>> 0)
}

export function renderAutodiscoverError(input: ErrorInput): string {
  const error = el(
    'Error',
    [el('ErrorCode', String(input.code)), el('Message', MESSAGES[input.code]), el('DebugData')],
    { Time: errorTime(input.time), Id: input.serverId },
  )
  const response =
    input.schema === undefined
      ? el('Response', [error])
      : el('Response', [error], { xmlns: schemaNamespace(input.schema) })
  return renderXmlDocument(el('Autodiscover', [response], { xmlns: RESPONSE_NS }))
}
