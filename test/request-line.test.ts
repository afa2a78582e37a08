import fc from 'fast-check'
import t from 'tap'
import { LineBatch, type LineTarget } from '../src/logging/line-batch.js'
import { LineInPlace } from '../src/logging/line-in-place.js'
import { createLogger } from '../src/logging/logger.js'
import { requestLineWriter } from '../src/logging/request-line.js'
import { captureLogs } from './helpers/log-capture.js'

const withoutTime = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => {
      const { time, ...rest } = JSON.parse(line) as { time: number }
      return { timeIsNumber: typeof time === 'number', ...rest }
    })

t.test('the request line is exactly what pino writes for the same fields', async (t) => {
  const lines = [
    { reqId: 'req-1', method: 'GET', path: '/mail/config-v1.1.xml', status: 200, ms: 0 },
    { reqId: 'req-2z', method: 'POST', path: '/a "quoted"\\path/\u00e9\n', status: 600, ms: 12 },
  ]
  const ours = captureLogs()
  const pinos = captureLogs()
  const write = requestLineWriter(createLogger('info', ours.stream))
  const logger = createLogger('info', pinos.stream)
  for (const line of lines) {
    write(line)
    logger.info(line, 'request')
  }
  t.same(withoutTime(ours.text()), withoutTime(pinos.text()))
  t.equal(
    ours
      .text()
      .split('\n')[0]
      ?.replace(/"time":\d+/, ''),
    pinos
      .text()
      .split('\n')[0]
      ?.replace(/"time":\d+/, ''),
  )
})

t.test('nothing is written when the level is above info', async (t) => {
  const logs = captureLogs()
  requestLineWriter(createLogger('warn', logs.stream))({
    reqId: 'r',
    method: 'GET',
    path: '/',
    status: 200,
    ms: 1,
  })
  t.equal(logs.text(), '')
})

t.test('every text is quoted exactly as pino quotes it, byte for byte', async (t) => {
  const withoutTimes = (text: string) => text.replace(/"time":\d+/g, '')
  // Printable ASCII is written as is; quotes, backslashes, control characters, DEL and non-ASCII
  // text take JSON.stringify, as in pino. Lone surrogates are left out: pino (on Node before 25)
  // writes them raw where JSON.stringify escapes them, as the line always did; no request carries one.
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.constantFrom('"', '\\', '\u007f', '\u2028'),
  )
  fc.assert(
    fc.property(text, text, text, (reqId, method, path) => {
      const ours = captureLogs()
      const pinos = captureLogs()
      const line = { reqId, method, path, status: 200, ms: 3 }
      requestLineWriter(createLogger('info', ours.stream))(line)
      createLogger('info', pinos.stream).info(line, 'request')
      return ours.text() !== '' && withoutTimes(ours.text()) === withoutTimes(pinos.text())
    }),
    { numRuns: 300 },
  )
  t.pass('300 random lines matched')
})

/** A logger writing into a LineBatch, as the service's stdout does, and what reached the output. */
function batchedLogger(size = 64 * 1024, level: 'info' | 'warn' = 'info') {
  const blocks: Buffer[] = []
  const target: LineTarget = {
    write: (block) => blocks.push(block),
    flush: (done) => done?.(),
    flushSync() {},
  }
  const batch = new LineBatch(target, { size, flushEveryMs: 60_000 })
  const logger = createLogger(level, batch)
  return {
    batch,
    logger,
    text: () => {
      batch.flush()
      return Buffer.concat(blocks).toString()
    },
  }
}

t.test('lines written in place into the output block are exactly what pino writes', async (t) => {
  const withoutTimes = (text: string) => text.replace(/"time":\d+/g, '')
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.constantFrom('"', '\\', '\u007f', '\u2028', 'req-12', '/mail/config-v1.1.xml', '日本'),
  )
  const number = fc.oneof(
    fc.nat(),
    fc.constantFrom(0, 9, 10, 599, 2 ** 31 - 1, 2 ** 31, 2 ** 40, 2 ** 53, -1, 1.5, -0),
  )
  fc.assert(
    fc.property(text, text, text, number, number, (reqId, method, path, status, ms) => {
      // Small blocks: each of the 500 runs keeps its batch until the file ends.
      const ours = batchedLogger(4096)
      const pinos = captureLogs()
      const line = { reqId, method, path, status, ms }
      requestLineWriter(ours.logger)(line)
      createLogger('info', pinos.stream).info(line, 'request')
      return withoutTimes(ours.text()) === withoutTimes(pinos.text())
    }),
    { numRuns: 500 },
  )
  t.pass('500 random lines matched, plain ones written in place and the others as text')
})

t.test('in place, each line carries its own time, and lines fill blocks in order', async (t) => {
  const ours = batchedLogger(400)
  const write = requestLineWriter(ours.logger)
  const clock = t.capture(Date, 'now', () => 0)
  // A clock that goes wrong (negative, fractional) takes the text path, as does a line too long for a block.
  const times = [1_764_000_000_000, 1_764_000_000_000, 1_764_000_000_001, 5, -5, 1.5, 1_764_000_000_002]
  const paths = ['/p', '/p', '/p', '/p', '/p', '/p', `/${'x'.repeat(500)}`]
  times.forEach((time, n) => {
    Date.now = () => time
    write({ reqId: `req-${n}`, method: 'GET', path: paths[n] as string, status: 200, ms: n })
  })
  clock.restore()
  const lines = ours
    .text()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { time: number; reqId: string; path: string; ms: number })
  t.same(
    lines.map(({ time, reqId, path, ms }) => ({ time, reqId, path, ms })),
    times.map((time, n) => ({ time, reqId: `req-${n}`, path: paths[n], ms: n })),
  )
})

t.test('nothing is written in place either when the level is above info', async (t) => {
  const ours = batchedLogger(64 * 1024, 'warn')
  requestLineWriter(ours.logger)({ reqId: 'r', method: 'GET', path: '/', status: 200, ms: 1 })
  t.equal(ours.text(), '')
})

t.test('a line reserved in place and never committed is written over', async (t) => {
  const ours = batchedLogger(200)
  const start = ours.batch.reserve(50)
  ours.batch.block.write('{"half":', start)
  t.equal(ours.batch.reserve(201), -1, 'a line longer than a block is never reserved')
  ours.logger.info('after')
  t.same(
    ours
      .text()
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { msg: string }).msg),
    ['after'],
  )
})

t.test('in place, each line has its own method, path and status, however they repeat', async (t) => {
  const ours = batchedLogger()
  const write = requestLineWriter(ours.logger)
  const lines = [
    { method: 'GET', path: '/p', status: 200 },
    { method: 'POST', path: '/p', status: 200 },
    { method: 'POST', path: '/p', status: 600 },
    { method: 'GET', path: '/p', status: 200 },
    // More distinct paths than are kept prepared, then the first again.
    ...Array.from({ length: 300 }, (_, n) => ({ method: 'GET', path: `/n${n}`, status: 404 })),
    { method: 'GET', path: '/p', status: 200 },
  ].map((line, n) => ({ ...line, reqId: `req-${n}`, ms: n % 7 }))
  for (const line of lines) write(line)
  const written = ours
    .text()
    .trim()
    .split('\n')
    .map((text) => {
      const { reqId, method, path, status, ms } = JSON.parse(text) as Record<string, unknown>
      return { reqId, method, path, status, ms }
    })
  t.same(written, lines)
})

t.test('plain lines are written in place; lines that need escaping are left to the text path', async (t) => {
  const blocks: Buffer[] = []
  const target: LineTarget = {
    write: (block) => blocks.push(block),
    flush: (done) => done?.(),
    flushSync() {},
  }
  const batch = new LineBatch(target, { size: 4096, flushEveryMs: 60_000 })
  const inPlace = new LineInPlace(30, ',"service":"mailsetup"')
  const plain = { reqId: 'req-1', method: 'GET', path: '/mail/config-v1.1.xml', status: 200, ms: 3 }
  t.ok(inPlace.write(batch, 1_764_000_000_000, plain), 'written')
  t.notOk(inPlace.write(batch, 1_764_000_000_001, { ...plain, path: '/a "quoted" path' }), 'needs escaping')
  t.notOk(inPlace.write(batch, 1_764_000_000_001, { ...plain, reqId: 'r\u00e9' }), 'beyond ASCII')
  t.notOk(inPlace.write(batch, 1_764_000_000_001, { ...plain, ms: 1.5 }), 'not a whole number')
  // Beyond 2^31 the digits come from String(): not seen in practice (25 days), but written right.
  t.ok(inPlace.write(batch, 1_764_000_000_002, { ...plain, ms: 2 ** 40 }), 'a huge duration')
  batch.flush()
  const line = (time: number, ms: number) =>
    `{"level":30,"time":${time},"service":"mailsetup","reqId":"req-1","method":"GET",` +
    `"path":"/mail/config-v1.1.xml","status":200,"ms":${ms},"msg":"request"}\n`
  t.equal(
    Buffer.concat(blocks).toString(),
    line(1_764_000_000_000, 3) + line(1_764_000_000_002, 2 ** 40),
    'only the plain lines, whole',
  )
})
