// Typed errors raised below the HTTP layer. Each family of routes maps them to its protocol's answer
// in one place: plain HTTP statuses in http/error-status.ts, Autodiscover error codes in its own route.

export type ErrorKind = 'bad-address' | 'missing-address' | 'unknown-domain' | 'bad-request'

export class MailsetupError extends Error {
  readonly kind: ErrorKind

  constructor(kind: ErrorKind, message: string) {
    // These describe a client's input (an unknown domain, a malformed address), answered every day:
    // a stack trace would never be read, and capturing one was most of a 404's cost (issue 9).
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(message)
    Error.stackTraceLimit = limit
    this.name = 'MailsetupError'
    this.kind = kind
  }
}

export function isMailsetupError(error: unknown): error is MailsetupError {
  return error instanceof MailsetupError
}
