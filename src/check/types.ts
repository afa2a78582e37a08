// What `mailsetup check` works with: the request one client family would make, the answer it got,
// and what that client would take from it, judged by that client's rules (CLIENTS.md §1–3).
import type { EmailAddress } from '../common/address.js'

export interface CheckRequest {
  readonly method: 'GET' | 'POST'
  /** The host the client would connect to (autoconfig.<domain>, autodiscover.<domain>). */
  readonly host: string
  /** Path and query string. */
  readonly path: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
}

export interface CheckResponse {
  readonly status: number
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** Sends a request to the service in-process (app.inject) or over HTTP(S) to a deployment. */
export type Transport = (request: CheckRequest) => Promise<CheckResponse>

/** One server (or URL) as a client would configure it. */
export interface ServerSummary {
  /** e.g. `incoming IMAP`, `outgoing SMTP`, `ActiveSync`. */
  readonly role: string
  readonly server: string
  readonly port?: number
  /** e.g. `SSL/TLS`, `STARTTLS`, `none`. */
  readonly security?: string
  readonly username?: string
}

/** `unavailable`: the server does not offer this format (or not for this domain); not a failure. */
export type Verdict = 'pass' | 'fail' | 'unavailable'

export interface Judgement {
  readonly verdict: Verdict
  readonly servers: readonly ServerSummary[]
  /** Each broken rule, naming the client that needs it. */
  readonly problems: readonly string[]
  readonly notes: readonly string[]
}

export interface ClientFamily {
  readonly name: string
  readonly request: (address: EmailAddress) => CheckRequest
  readonly judge: (response: CheckResponse, address: EmailAddress) => Judgement
}

export interface FamilyReport extends Judgement {
  readonly client: string
  readonly method: string
  /** The URL the real client would ask. */
  readonly url: string
  /** Null when no answer came (connection refused, timeout). */
  readonly status: number | null
  readonly contentType?: string
}
