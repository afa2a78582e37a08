// Load generation with autocannon as a library, bounded in time.
import autocannon from 'autocannon'
import { cpuMicros } from './cpu-time.js'

export interface LoadRequest {
  readonly url: string
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
}

export interface LoadResult {
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly requests: number
  /** Connection errors and timeouts. */
  readonly errors: number
  /** Responses with another status than the expected one. */
  readonly unexpected: number
  /** CPU time (user + system) the server process spent per request, when its pid was given. */
  readonly cpuMicrosPerRequest?: number
}

export async function runLoad(
  target: LoadRequest,
  options: { duration: number; connections: number; expectedStatus: number; serverPid?: number },
): Promise<LoadResult> {
  const { serverPid } = options
  const cpuNow = () => (serverPid === undefined ? undefined : cpuMicros(serverPid))
  const cpuBefore = cpuNow()
  const result = await autocannon({
    url: new URL(target.path, target.url).toString(),
    method: target.method,
    headers: { ...target.headers },
    ...(target.body === undefined ? {} : { body: target.body }),
    connections: options.connections,
    duration: options.duration,
    // No pipelining: mail clients send one request per connection at a time.
    pipelining: 1,
  })
  const stats = result.statusCodeStats ?? {}
  const expected = stats[String(options.expectedStatus) as `${number}`]?.count ?? 0
  const answered = Object.values(stats).reduce((sum, s) => sum + (s?.count ?? 0), 0)
  const cpuAfter = cpuNow()
  const cpu =
    cpuBefore === undefined || cpuAfter === undefined || result.requests.total === 0
      ? undefined
      : (cpuAfter - cpuBefore) / result.requests.total
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    unexpected: answered - expected,
    ...(cpu === undefined ? {} : { cpuMicrosPerRequest: cpu }),
  }
}
