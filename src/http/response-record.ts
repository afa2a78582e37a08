// What each answered request leaves behind, in both HTTP lanes: one log line (without the query or any
// address) and its count in the metrics.
import type { Logger } from 'pino'
import { requestLineWriter } from '../logging/request-line.js'
import type { Metrics } from '../metrics/metrics.js'

export interface ResponseRecord {
  readonly reqId: string
  readonly method: string
  /** The request's path as logged (`loggablePath`): no query, no address. */
  readonly path: string
  /** The route that answered (undefined for a 404), for the metrics' endpoint family. */
  readonly routeUrl: string | undefined
  readonly userAgent: string | undefined
  readonly status: number
  readonly ms: number
}

export function responseRecorder(logger: Logger, metrics?: Metrics): (record: ResponseRecord) => void {
  const writeLine = requestLineWriter(logger)
  return (record) => {
    const { reqId, method, path, status, ms } = record
    writeLine({ reqId, method, path, status, ms: Math.round(ms) })
    metrics?.requests.observe(record.routeUrl, record.userAgent, status, ms)
  }
}
