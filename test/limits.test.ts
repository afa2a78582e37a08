// Issue 5: size limits and timeouts, checked on a real socket (inject bypasses Node's HTTP parser).
import { connect, type Socket } from 'node:net'
import t from 'tap'
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
  if (send !== undefined) socket.write(send)
  const closed = new Promise<{ data: string; ms: number }>((resolve) => {
    socket.on('close', () => resolve({ data, ms: Date.now() - started }))
    socket.on('error', () => {})
  })
  return { socket, closed }
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
  t.equal(server.timeout, 0, 'no timer per socket: idle connections are swept (test/idle-connections)')
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
