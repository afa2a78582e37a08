// The hottest requests (autoconfig GET, POX POST) answered straight from node:http, without Fastify's
// per-request objects and hooks: issue 9 asks for answers near a bare Node server's speed, and those
// answers are prepared at load time. Only plain requests for an endpoint's exact path take this lane;
// anything else (HEAD, another casing, a percent-encoded path, a chunked or large body, shutdown) goes
// to Fastify, which serves the same endpoints from the same functions (routes/endpoint.ts).
// test/direct-lane.test.ts sends every kind of request to both and compares the answers.
import type { IncomingMessage, ServerResponse } from 'node:http'
import querystring from 'fast-querystring'
import type { Logger } from 'pino'
import { loggablePath } from '../logging/redact.js'
import { requestLineWriter } from '../logging/request-line.js'
import type { Metrics } from '../metrics/metrics.js'
import { answerEndpoint, type Endpoint, type EndpointRequest, type Query } from '../routes/endpoint.js'
import type { SnapshotStore } from '../state/snapshot-store.js'
import { type Answer, errorAnswer } from './answer.js'
import type { ClientView } from './client-address.js'
import { type RequestGuard, SECURITY_HEADERS } from './request-guard.js'

export interface DirectLaneOptions {
  readonly store: SnapshotStore
  readonly guard: RequestGuard
  readonly client: ClientView
  readonly endpoints: readonly Endpoint[]
  readonly logger: Logger
  readonly metrics?: Metrics
  /** The same request ids as Fastify's, from one counter. */
  readonly requestId: () => string
  readonly isReady: () => boolean
}

/** Answers the request and returns true, or returns false having touched nothing. */
export type DirectLane = (raw: IncomingMessage, res: ServerResponse) => boolean

const EMPTY_QUERY: Query = Object.freeze({})

/** A body Node will deliver whole and small: a Content-Length within the endpoint's limit. */
function smallBody(raw: IncomingMessage, endpoint: Endpoint): boolean {
  const length = raw.headers['content-length']
  if (length === undefined || raw.headers['transfer-encoding'] !== undefined) return false
  return Number(length) <= (endpoint.maxBodyBytes as number)
}

function readBody(raw: IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = []
  raw.on('data', (chunk: Buffer) => chunks.push(chunk))
  raw.on('end', () => done(Buffer.concat(chunks)))
  // A client that goes away mid-body gets no answer; the error must not become an uncaught one.
  raw.on('error', () => undefined)
}

function writeAnswer(res: ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, ...answer.headers }
  if (answer.contentType !== undefined) headers['content-type'] = answer.contentType
  // Encoded once: its length and the bytes written come from the same buffer.
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body
  headers['content-length'] = String(body.length)
  res.writeHead(answer.status, headers)
  res.end(body)
}

export function createDirectLane(options: DirectLaneOptions): DirectLane {
  const { store, guard, client, logger, metrics } = options
  const writeLine = requestLineWriter(logger)
  const routes = new Map<string, Endpoint>()
  for (const endpoint of options.endpoints)
    for (const path of endpoint.paths) routes.set(`${endpoint.method} ${path}`, endpoint)

  const respond = (
    raw: IncomingMessage,
    res: ServerResponse,
    path: string,
    answer: Answer,
    started: number,
  ) => {
    writeAnswer(res, answer)
    const ms = performance.now() - started
    const reqId = options.requestId()
    if (answer.note !== undefined)
      logger[answer.note.level]({ reqId, ...answer.note.fields }, answer.note.message)
    writeLine({
      reqId,
      method: raw.method as string,
      path: loggablePath(raw.url as string),
      status: answer.status,
      ms: Math.round(ms),
    })
    metrics?.requests.observe(path, raw.headers['user-agent'], answer.status, ms)
  }

  const answer = (endpoint: Endpoint, raw: IncomingMessage, query: Query, body?: Buffer): Answer => {
    const request: EndpointRequest = {
      query,
      host: client.host(raw),
      headers: raw.headers,
      ...(body && { body }),
    }
    try {
      return answerEndpoint(endpoint, store.current, request)
    } catch (error) {
      // Only reading the snapshot can get here: a bug, answered like one by the error handler.
      return errorAnswer(error)
    }
  }

  return (raw, res) => {
    const url = raw.url as string
    const mark = url.indexOf('?')
    const path = mark === -1 ? url : url.slice(0, mark)
    const endpoint = routes.get(`${raw.method} ${path}`)
    if (endpoint === undefined || !options.isReady()) return false
    if (endpoint.method === 'POST' && !smallBody(raw, endpoint)) return false
    const started = performance.now()
    const refusal = guard.check(raw, path)
    if (refusal !== undefined) respond(raw, res, path, refusal, started)
    else {
      const query =
        mark === -1 || mark === url.length - 1 ? EMPTY_QUERY : querystring.parse(url.slice(mark + 1))
      if (endpoint.method === 'GET') respond(raw, res, path, answer(endpoint, raw, query), started)
      else readBody(raw, (body) => respond(raw, res, path, answer(endpoint, raw, query, body), started))
    }
    return true
  }
}
