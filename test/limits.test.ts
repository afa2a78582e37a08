// Issue 5: size limits and timeouts, checked on a real socket (inject bypasses Node's HTTP parser).
import { connect, type Socket } from 'node:net'
import t from 'tap'
import { IdleWatch, sweepInterval } from '../src/http/idle-connections.js'
import { DEFAULT_LIMITS } from '../src/settings/service-limits.js'
import { appFor, baseConfig, loadConfig } from './helpers/settings.js'

const LIMITS = {
  maxHeaderBytes: 2048,
  maxConnections: 3,
  headersTimeoutMs: 400,
  requestTimeoutMs: 600,
  idleTimeoutMs: 5000,
  keepAliveTimeoutMs: 300,
}

async function listen(limits: Record<string, number>) {
  const app = appFor(baseConfig({ service: { limits, rateLimit: null } }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  return { app, port }
}

/** A raw connection: what the server wrote, and when it closed (ms after opening). */
function open(port: number, send?: string) {
  const socket: Socket = connect(port, '127.0.0.1')
  const started = Date.now()
  let data = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => (data += chunk))
  const received = () => data
  if (send !== undefined) socket.write(send)
  const closed = new Promise<{ data: string; ms: number }>((resolve) => {
    socket.on('close', () => resolve({ data, ms: Date.now() - started }))
    socket.on('error', () => {})
  })
  return { socket, closed, data: received }
}

/** Resolves once the connection has received something. */
function waitForData(conn: { socket: Socket }) {
  return new Promise((resolve) => conn.socket.once('data', resolve))
}

t.test('defaults and config', async (t) => {
  t.same(loadConfig(baseConfig()).settings.service.limits, DEFAULT_LIMITS)
  const tuned = loadConfig(baseConfig({ service: { limits: { requestTimeoutMs: 2000 } } }))
  t.equal(tuned.settings.service.limits.requestTimeoutMs, 2000)
  t.equal(tuned.settings.service.limits.headersTimeoutMs, 2000, 'never longer than the request timeout')
  t.throws(() => loadConfig(baseConfig({ service: { limits: { maxUrlLength: 10 } } })))
  t.throws(() => loadConfig(baseConfig({ service: { limits: { maxBodyByte: 10 } } })), 'unknown keys refused')
})

t.test('the Node server carries the configured limits', async (t) => {
  const { app } = await listen(LIMITS)
  t.teardown(() => app.close())
  const server = app.server as typeof app.server & { maxHeaderSize: number }
  t.equal(server.maxHeaderSize, 2048)
  t.equal(server.maxConnections, 3)
  t.equal(server.headersTimeout, 400)
  t.equal(server.requestTimeout, 600)
  t.equal(server.keepAliveTimeout, 300)
  t.equal(server.timeout, 0, 'no timer per socket: idle connections are swept (idle-connections.ts)')
})

t.test('oversized headers get 431 and the server keeps serving', async (t) => {
  const { app, port } = await listen(LIMITS)
  t.teardown(() => app.close())
  const big = open(port, `GET /healthz HTTP/1.1\r\nHost: x.example\r\nX-Big: ${'a'.repeat(4000)}\r\n\r\n`)
  t.match((await big.closed).data, /^HTTP\/1\.1 431 /)
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { 'x-small': 'a'.repeat(500) } })
  t.equal(res.status, 200)
})

t.test('a client that sends headers too slowly is cut off with 408', async (t) => {
  const { app, port } = await listen(LIMITS)
  t.teardown(() => app.close())
  const slow = open(port, 'GET /healthz HTTP/1.1\r\nHost: x.example\r\n')
  const timer = setInterval(() => slow.socket.write('X-Drip: 1\r\n'), 100)
  const { data, ms } = await slow.closed
  clearInterval(timer)
  t.match(data, /^HTTP\/1\.1 408 /)
  t.ok(ms < 4000, `closed after ${ms} ms`)
})

t.test('idle keep-alive connections are closed after keepAliveTimeoutMs', async (t) => {
  const { app, port } = await listen(LIMITS)
  t.teardown(() => app.close())
  const conn = open(port, 'GET /healthz HTTP/1.1\r\nHost: x.example\r\n\r\n')
  const { data, ms } = await conn.closed
  t.match(data, /^HTTP\/1\.1 200 /)
  t.ok(ms < 3000, `closed after ${ms} ms`)
})

t.test('connections beyond maxConnections are refused; the others are served', async (t) => {
  const { app, port } = await listen({ ...LIMITS, headersTimeoutMs: 5000, requestTimeoutMs: 5000 })
  t.teardown(() => app.close())
  const held = [open(port, 'GET'), open(port, 'GET'), open(port, 'GET')]
  await new Promise((resolve) => setTimeout(resolve, 200))
  const extra = open(port, 'GET /healthz HTTP/1.1\r\nHost: x.example\r\n\r\n')
  const { data } = await extra.closed
  t.equal(data, '', 'dropped without an answer')
  for (const h of held) h.socket.destroy()
  await Promise.all(held.map((h) => h.closed))
  await new Promise((resolve) => setTimeout(resolve, 100))
  const res = await fetch(`http://127.0.0.1:${port}/healthz`)
  t.equal(res.status, 200, 'served again once connections are free')
})

// Only the idle timeout can close these: the others are far longer than the test.
const IDLE = { ...LIMITS, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 60_000 }
const IDLE_MS = 300

/** How long the next connection the server accepts stays open, in ms, as the server sees it. */
function nextLifetime(app: { server: { once: (event: 'connection', f: (s: Socket) => void) => void } }) {
  return new Promise<number>((resolve) =>
    app.server.once('connection', (socket) => {
      const started = performance.now()
      socket.once('close', () => resolve(performance.now() - started))
    }),
  )
}

t.test('idleTimeoutMs: sweeps show the interval, bounded both ways', async (t) => {
  t.equal(sweepInterval(30_000), 1000, 'a default timeout is at most a second late')
  t.equal(sweepInterval(IDLE_MS), 75)
  t.equal(sweepInterval(1), 10)
})

t.test('idleTimeoutMs: a connection that sends nothing is closed, within one sweep', async (t) => {
  const { app, port } = await listen({ ...IDLE, idleTimeoutMs: IDLE_MS })
  t.teardown(() => app.close())
  const closing = nextLifetime(app)
  const silent = open(port)
  const { data, ms } = await silent.closed
  t.equal(data, '')
  const lifetime = await closing
  t.ok(lifetime >= IDLE_MS, `open for ${lifetime.toFixed(0)} ms on the server`)
  t.ok(ms < IDLE_MS + sweepInterval(IDLE_MS) + 1000, `closed after ${ms} ms`)
})

t.test('idleTimeoutMs: a slow client that keeps sending is not idle', async (t) => {
  const { app, port } = await listen({ ...IDLE, idleTimeoutMs: IDLE_MS })
  t.teardown(() => app.close())
  const slow = open(port, 'GET /healthz HTTP/1.1\r\n')
  // A header every 100 ms for four idle timeouts, then the end of the request.
  for (let i = 0; i < 12; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    slow.socket.write(i === 11 ? 'Host: x.example\r\n\r\n' : `X-Drip-${i}: 1\r\n`)
  }
  await waitForData(slow)
  t.match(slow.data(), /^HTTP\/1\.1 200 /, 'answered after 1.2 s of trickling')
  const { ms } = await slow.closed
  t.ok(ms >= 1200 + IDLE_MS, `closed ${ms} ms after opening, once idle`)
})

t.test('idleTimeoutMs: a client that stops reading its answers is closed', async (t) => {
  const { app, port } = await listen({ ...IDLE, idleTimeoutMs: IDLE_MS })
  t.teardown(() => app.close())
  const closing = nextLifetime(app)
  const socket = connect(port, '127.0.0.1')
  socket.on('error', () => {})
  socket.pause()
  // Far more answers than the kernel's buffers hold: the server is left holding some and must give up.
  const request = 'GET /mail/config-v1.1.xml HTTP/1.1\r\nHost: autoconfig.test.example\r\n\r\n'
  socket.write(request.repeat(8000))
  const lifetime = await closing
  t.ok(lifetime >= IDLE_MS, `closed by the server after ${lifetime.toFixed(0)} ms`)
  t.ok(socket.bytesRead === 0, 'the client read nothing')
  socket.destroy()
  const res = await fetch(`http://127.0.0.1:${port}/healthz`)
  t.equal(res.status, 200, 'and the server goes on serving')
})

t.test('idleTimeoutMs: only bytes that move count as activity', async (t) => {
  const fake = (bytesRead = 0, bytesWritten = 0, writableLength = 0) => ({
    bytesRead,
    bytesWritten,
    writableLength,
    destroyed: false,
    destroy() {
      this.destroyed = true
    },
  })
  const watch = new IdleWatch(1000)
  const reading = fake()
  const downloading = fake(10, 5000, 4000)
  const stalled = fake(10, 5000, 4000)
  const quiet = fake()
  for (const socket of [reading, downloading, stalled, quiet]) watch.add(socket, 0)
  watch.sweep(600)
  reading.bytesRead += 1
  // The client takes 1,000 more bytes of its answer: sent, though nothing new was queued.
  downloading.writableLength -= 1000
  // More is queued, nothing is taken: a client that stopped reading.
  stalled.bytesWritten += 3000
  stalled.writableLength += 3000
  watch.sweep(900)
  t.notOk(quiet.destroyed, 'not yet idle for the whole timeout')
  watch.sweep(1000)
  t.ok(quiet.destroyed, 'idle for the timeout')
  t.ok(stalled.destroyed, 'queuing answers nobody takes is not activity')
  t.notOk(reading.destroyed, 'receiving is activity')
  t.notOk(downloading.destroyed, 'sending is activity')
  watch.delete(reading)
  watch.sweep(5000)
  t.notOk(reading.destroyed, 'a socket no longer watched is left alone')
  t.ok(downloading.destroyed)
})
