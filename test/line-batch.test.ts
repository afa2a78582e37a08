// Log lines reach the output in blocks, in order, and none is lost: not when the service is quiet, not
// when it ends, not when it is made to exit at once.
import { spawn } from 'node:child_process'
import t from 'tap'
import { LineBatch, type LineTarget } from '../src/logging/line-batch.js'

function fakeTarget() {
  const writes: string[] = []
  const blocks: Buffer[] = []
  const calls: string[] = []
  const target: LineTarget & { destroyed: boolean } = {
    destroyed: false,
    write: (block) => {
      blocks.push(block)
      writes.push(block.toString())
    },
    flush: (callback) => {
      calls.push('flush')
      callback?.()
    },
    flushSync: () => calls.push('flushSync'),
  }
  return { target, writes, blocks, calls }
}

const line = (n: number) => `{"n":${n}}\n`

t.test('lines go out in blocks as full as the next line allows, in their order', async (t) => {
  const { target, writes } = fakeTarget()
  const batch = new LineBatch(target, { size: 100, flushEveryMs: 60_000 })
  for (let n = 0; n < 30; n++) batch.write(line(n))
  // 8 or 9 bytes a line: a block takes lines while the next one's worst case (3 bytes a unit) fits.
  t.ok(writes.length >= 2 && writes.length <= 4, `${writes.length} blocks for 30 short lines`)
  for (const block of writes) {
    t.ok(Buffer.byteLength(block) <= 100, 'a block never exceeds its size')
    t.ok(
      Buffer.byteLength(block) > 100 - 3 * 9,
      'a block is handed over only when the next line might not fit',
    )
  }
  batch.flush()
  t.equal(writes.join(''), Array.from({ length: 30 }, (_, n) => line(n)).join(''))
})

t.test('a block handed over is never written to again', async (t) => {
  const { target, blocks } = fakeTarget()
  const batch = new LineBatch(target, { size: 64, flushEveryMs: 60_000 })
  for (let n = 0; n < 40; n++) batch.write(line(n))
  batch.flush()
  t.equal(Buffer.concat(blocks).toString(), Array.from({ length: 40 }, (_, n) => line(n)).join(''))
})

t.test('a line goes into a block only when its every byte fits', async (t) => {
  const { target, blocks } = fakeTarget()
  const batch = new LineBatch(target, { size: 64, flushEveryMs: 60_000 })
  // 40 bytes used: room for the next line's 11 characters, not for its 31 bytes.
  const lines = [line(123456789), line(123456789), line(1), `${'日'.repeat(10)}\n`, line(2)]
  for (const text of lines) batch.write(text)
  batch.flush()
  t.equal(Buffer.concat(blocks).toString(), lines.join(''))
  t.equal(blocks.length, 2, 'the wide line started a new block')
})

t.test('any text is written as UTF-8, a line longer than a block on its own and in its turn', async (t) => {
  const { target, writes, blocks } = fakeTarget()
  const batch = new LineBatch(target, { size: 128, flushEveryMs: 60_000 })
  const long = `{"stack":"${'x'.repeat(100)}"}\n`
  const lines = [line(1), '{"é":"日本"}\n', '{"emoji":"😀","lone":"\ud800"}\n', long, line(2)]
  for (const text of lines) batch.write(text)
  batch.flush()
  t.equal(Buffer.concat(blocks).toString(), Buffer.from(lines.join('')).toString())
  t.equal(writes[0], lines.slice(0, 3).join('').replace('\ud800', '\ufffd'), 'short lines share a block')
  t.ok(writes.includes(long), 'the long line is a block of its own')
  // A gathered block is a copy of the bytes used, not a view that keeps the whole block alive.
  const gathered = blocks.filter((block) => block.toString() !== long)
  for (const block of gathered) t.equal(block.buffer.byteLength, block.length, 'a block holds only its bytes')
})

t.test('flush and flushSync hand over what is gathered, then ask the target to write it', async (t) => {
  const { target, writes, calls } = fakeTarget()
  const batch = new LineBatch(target, { size: 8192, flushEveryMs: 60_000 })
  batch.write(line(1))
  t.same(writes, [], 'a short line waits for more')
  let flushed = false
  batch.flush(() => {
    flushed = true
  })
  t.same(writes, [line(1)])
  t.ok(flushed, 'the callback is passed on')
  batch.write(line(2))
  batch.flushSync()
  t.same(writes, [line(1), line(2)])
  t.same(calls, ['flush', 'flushSync'])
  batch.flush()
  t.same(writes, [line(1), line(2)], 'nothing gathered: nothing written')
})

t.test('a quiet batch is handed over within flushEveryMs', async (t) => {
  const { target, writes } = fakeTarget()
  const batch = new LineBatch(target, { size: 8192, flushEveryMs: 20 })
  batch.write(line(1))
  await new Promise((resolve) => setTimeout(resolve, 80))
  t.same(writes, [line(1)])
})

t.test('a closed target gets nothing and throws nothing', async (t) => {
  const { target, writes, calls } = fakeTarget()
  const batch = new LineBatch(target, { size: 8192, flushEveryMs: 60_000 })
  target.destroyed = true
  batch.write(line(1))
  let flushed = false
  batch.flush(() => {
    flushed = true
  })
  batch.flushSync()
  t.same(writes, [])
  t.same(calls, [])
  t.ok(flushed, 'flush still calls back')
  target.destroyed = false
  batch.write(line(2))
  batch.flush()
  t.same(writes, [line(2)], 'lines for a closed target were dropped, not kept')
})

/** Runs a script that logs through the service's own stdout logger; its output. */
function runLogging(body: string): Promise<string> {
  const logger = new URL('../dist/logging/logger.js', import.meta.url).href
  const requestLine = new URL('../dist/logging/request-line.js', import.meta.url).href
  const script = `
    const { createLogger } = await import(${JSON.stringify(logger)})
    const { requestLineWriter } = await import(${JSON.stringify(requestLine)})
    const logger = createLogger('info')
    const write = requestLineWriter(logger)
    ${body}`
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', () => resolve(output))
  })
}

const requests = (output: string) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; reqId?: string })

t.test('lines gathered at the end of a process are written, whichever way it ends', async (t) => {
  const writeThree = `for (const n of [1, 2, 3]) write({ reqId: 'req-' + n, method: 'GET', path: '/', status: 200, ms: 0 })`
  const natural = await runLogging(`${writeThree}; logger.warn('last')`)
  t.same(
    requests(natural).map((l) => l.reqId ?? l.msg),
    ['req-1', 'req-2', 'req-3', 'last'],
    'the event loop emptied',
  )
  const exited = await runLogging(`${writeThree}; process.exit(0)`)
  t.same(
    requests(exited).map((l) => l.reqId),
    ['req-1', 'req-2', 'req-3'],
    'process.exit()',
  )
  const many = await runLogging(
    `for (let n = 0; n < 2000; n++) write({ reqId: 'req-' + n, method: 'GET', path: '/', status: 200, ms: 0 }); process.exit(0)`,
  )
  t.same(
    requests(many).map((l) => l.reqId),
    Array.from({ length: 2000 }, (_, n) => `req-${n}`),
    'blocks already handed over and the rest, in order',
  )
})

t.test('lines gathered before a fatal line or an uncaught exception are written', async (t) => {
  const writeTwo = `for (const n of [1, 2]) write({ reqId: 'req-' + n, method: 'GET', path: '/', status: 200, ms: 0 })`
  const fatal = await runLogging(`${writeTwo}; logger.fatal('stopping'); process.exit(1)`)
  t.same(
    requests(fatal).map((l) => l.reqId ?? l.msg),
    ['req-1', 'req-2', 'stopping'],
  )
  const thrown = await runLogging(`${writeTwo}; setTimeout(() => { throw new Error('bug') }, 0)`)
  t.same(
    requests(thrown).map((l) => l.reqId),
    ['req-1', 'req-2'],
  )
})

t.test('a running service shows a line within a fraction of a second', async (t) => {
  const output = await runLogging(`
    write({ reqId: 'req-1', method: 'GET', path: '/', status: 200, ms: 0 })
    await new Promise((resolve) => setTimeout(resolve, 500))
    process.stdout.write('{"msg":"marker"}\\n')
    process.exit(0)`)
  t.same(
    requests(output).map((l) => l.reqId ?? l.msg),
    ['req-1', 'marker'],
    'the line was out before the marker written 500 ms later',
  )
})
