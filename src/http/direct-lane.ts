// The hottest requests (autoconfig GET, POX POST, Autodiscover v2 JSON) answered straight from
// node:http, without Fastify's per-request objects and hooks: issue 9 asks for answers near a bare
// Node server's speed, and those answers are prepared at load time. Only plain requests for an
// endpoint's exact path take this lane; anything else (HEAD, another casing, a percent-encoded path, a
// chunked, large or oddly typed body, shutdown) goes to Fastify, which serves the same endpoints from
// the same functions (routes/endpoint.ts). test/direct-lane.test.ts compares the two lanes' answers.
import { Buffer } from 'node:buffer'
import type { IncomingMessage, ServerResponse } from 'node:http'
// Imported rather than the global: Node's global `performance` is a lazy getter, run on every use.
import { performance } from 'node:perf_hooks'
import querystring from 'fast-querystring'
import type { Logger } from 'pino'
import { loggablePath } from '../logging/redact.js'
import type { Metrics } from '../metrics/metrics.js'
import { answerEndpoint, type Endpoint, type Query } from '../routes/endpoint.js'
import type { SnapshotStore } from '../state/snapshot-store.js'
import { type Answer, errorAnswer } from './answer.js'
import type { ClientView } from './client-address.js'
import type { RequestGuard } from './request-guard.js'
import { responseRecorder } from './response-record.js'
import { writeAnswer } from './write-answer.js'

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

// `type/subtype` and parameters, as Fastify parses them; any other Content-Type Fastify refuses (415,
// which POX answers as error 600), so such a request is left to it.
const MEDIA_TYPE = /^[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+\s*(?:;.*)?$/

/** A body Node delivers whole and small, with a Content-Type Fastify would accept. */
function plainBody(raw: IncomingMessage, endpoint: Endpoint): boolean {
  const { headers } = raw
  if (headers['content-length'] === undefined || headers['transfer-encoding'] !== undefined) return false
  const type = headers['content-type']
  if (type === undefined || !MEDIA_TYPE.test(type)) return false
  return Number(headers['content-length']) <= (endpoint.maxBodyBytes as number)
}

function readBody(raw: IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = []
  raw.on('data', (chunk: Buffer) => chunks.push(chunk))
  raw.on('end', () => done(Buffer.concat(chunks)))
  // A client that goes away mid-body gets no answer; the error must not become an uncaught one.
  raw.on('error', () => undefined)
}

/**
 * What `work` gives, or for an exception (a bug) the 500 Fastify's error handler would give: an
 * exception out of a node:http listener would end the process.
 */
function attempt<T>(work: () => T): T | Answer {
  try {
    return work()
  } catch (error) {
    return errorAnswer(error)
  }
}

/** An endpoint's exact path, with what its log line shows: computed once, not per request. */
interface Route {
  readonly endpoint: Endpoint
  readonly path: string
  readonly loggedPath: string
}

/**
 * Method → path length → routes: a request's path is found by comparing its start with the few paths
 * of its length, not by slicing it off the query and hashing it as a Map key (issue 9).
 */
type RouteTable = Map<string, Map<number, Route[]>>

function routeTable(endpoints: readonly Endpoint[]): RouteTable {
  const table: RouteTable = new Map()
  for (const endpoint of endpoints) {
    const byLength = table.get(endpoint.method) ?? new Map<number, Route[]>()
    table.set(endpoint.method, byLength)
    for (const path of endpoint.paths) {
      const routes = byLength.get(path.length) ?? []
      byLength.set(path.length, routes)
      routes.push({ endpoint, path, loggedPath: loggablePath(path) })
    }
  }
  return table
}

/** The route whose path is the URL's path exactly (the query aside), or undefined. */
function findRoute(table: RouteTable, method: string, url: string): Route | undefined {
  const mark = url.indexOf('?')
  const routes = table.get(method)?.get(mark === -1 ? url.length : mark)
  if (routes !== undefined) for (const route of routes) if (url.startsWith(route.path)) return route
  return undefined
}

export function createDirectLane(options: DirectLaneOptions): DirectLane {
  const { store, guard, client, logger } = options
  const record = responseRecorder(logger, options.metrics)
  const routes = routeTable(options.endpoints)

  const respond = (
    raw: IncomingMessage,
    res: ServerResponse,
    route: Route,
    answer: Answer,
    started: number,
  ) => {
    writeAnswer(res, answer)
    const reqId = options.requestId()
    if (answer.note !== undefined)
      logger[answer.note.level]({ reqId, ...answer.note.fields }, answer.note.message)
    const ms = performance.now() - started
    record({
      reqId,
      method: raw.method as string,
      // The route's own path: the request's differs only by its query, which is never logged.
      path: route.loggedPath,
      routeUrl: route.path,
      userAgent: raw.headers['user-agent'],
      status: answer.status,
      ms,
    })
  }

  // The guard runs before the body is read, as Fastify's onRequest hook does.
  const serve = (raw: IncomingMessage, res: ServerResponse, route: Route) => {
    const started = performance.now()
    const { endpoint } = route
    const refusal = attempt(() => guard.check(raw, route.path, started))
    if (refusal !== undefined || endpoint.method === 'GET') {
      respond(raw, res, route, refusal ?? attempt(() => answerRequest(endpoint, raw)), started)
    } else {
      readBody(raw, (body) =>
        respond(
          raw,
          res,
          route,
          attempt(() => answerRequest(endpoint, raw, body)),
          started,
        ),
      )
    }
  }

  const answerRequest = (endpoint: Endpoint, raw: IncomingMessage, body?: Buffer): Answer => {
    const url = raw.url as string
    const mark = url.indexOf('?')
    const query =
      mark === -1 || mark === url.length - 1 ? EMPTY_QUERY : querystring.parse(url.slice(mark + 1))
    const host = client.host(raw)
    const request =
      body === undefined ? { query, host, headers: raw.headers } : { query, host, headers: raw.headers, body }
    return answerEndpoint(endpoint, store.current, request)
  }

  return (raw, res) => {
    const route = findRoute(routes, raw.method as string, raw.url as string)
    if (route === undefined || !options.isReady()) return false
    if (route.endpoint.method === 'POST' && !plainBody(raw, route.endpoint)) return false
    serve(raw, res, route)
    return true
  }
}
