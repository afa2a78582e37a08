// The one log line per request, written by both HTTP lanes, by hand rather than through pino's general
// object serialisation, which cost more per request than answering an autoconfig request (issue 9).
// Into the service's own output (a LineBatch) the line's bytes are written in place (line-in-place.ts);
// to any other destination, and for text that needs escaping, it is built as text. Either way it is
// exactly what `logger.info({reqId, method, path, status, ms}, 'request')` writes, level check and
// base fields included (test/request-line.test.ts).
import pino, { type Logger } from 'pino'
import { LineBatch } from './line-batch.js'
import { isPlain, LineInPlace } from './line-in-place.js'

export interface RequestLine {
  readonly reqId: string
  readonly method: string
  /** Already stripped of the query and of addresses (logging/redact.ts `loggablePath`). */
  readonly path: string
  readonly status: number
  readonly ms: number
}

type Internals = { [key: symbol]: unknown }

// Request ids, methods and nearly all paths are text JSON writes as is, and quoting them directly cost
// a third of what JSON.stringify did (93 ns against 332 for the three, in a tight loop).
const quote = (text: string) => (isPlain(text) ? `"${text}"` : JSON.stringify(text))

export function requestLineWriter(logger: Logger): (line: RequestLine) => void {
  const internals = logger as unknown as Internals
  const stream = internals[pino.symbols.streamSym] as { write: (text: string) => void }
  const bindings = internals[pino.symbols.chindingsSym] as string
  const level = logger.levels.values.info as number
  const asText = (line: RequestLine, time: number) =>
    `{"level":${level},"time":${time}${bindings},"reqId":${quote(line.reqId)},` +
    `"method":${quote(line.method)},"path":${quote(line.path)},` +
    `"status":${line.status},"ms":${line.ms},"msg":"request"}\n`
  if (!(stream instanceof LineBatch)) {
    return (line) => {
      if (logger.isLevelEnabled('info')) stream.write(asText(line, Date.now()))
    }
  }
  // The service's own output: bytes straight into its block, and text only for what needs escaping.
  const inPlace = new LineInPlace(level, bindings)
  return (line) => {
    if (!logger.isLevelEnabled('info')) return
    const time = Date.now()
    if (!inPlace.write(stream, time, line)) stream.write(asText(line, time))
  }
}
