// `idleTimeoutMs` (http/idle-connections.ts): connections that move no bytes are closed by a sweep,
// checked on real sockets over HTTP and HTTPS, and the activity rule on fake ones.
import { readFileSync, writeFileSync } from 'node:fs'
import { connect as connectTcp, type Socket } from 'node:net'
import { join } from 'node:path'
import { connect as connectTls } from 'node:tls'
import t from 'tap'
import { stringify } from 'yaml'
import { IdleWatch, sweepInterval } from '../src/http/idle-connections.js'
import { startServer } from '../src/server.js'
import { makeCertificate } from './helpers/certificates.js'
import { tempDir } from './helpers/ops.js'
import { appFor, baseConfig } from './helpers/settings.js'

const IDLE_MS = 300
// Only the idle timeout can close these connections: the other timeouts are far longer than a test.
const LIMITS = {
  idleTimeoutMs: IDLE_MS,
  headersTimeoutMs: 60_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 60_000,
}
// Two sweeps, as documented, and room for a busy test machine's timers.
const LATEST_CLOSE_MS = IDLE_MS + 2 * sweepInterval(IDLE_MS) + 500

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A client connection: what it received, and when it closed (ms after opening). */
function watchClient(socket: Socket) {
  const started = performance.now()
  let data = ''
  socket.on('data', (chunk: Buffer) => (data += chunk.toString()))
  socket.on('error', () => {})
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => resolve(performance.now() - started)),
  )
  return { socket, closed, data: () => data }
}

type Client = ReturnType<typeof watchClient>

/**
 * Sends a request a header every 100 ms, four idle timeouts in all, and resolves with what came back
 * first: the answer, or the connection closing (then the test fails instead of waiting for tap).
 */
async function trickle(client: Client, host: string): Promise<string> {
  client.socket.write('GET /healthz HTTP/1.1\r\n')
  for (let i = 0; i < 12; i++) {
    await sleep(100)
    client.socket.write(i === 11 ? `Host: ${host}\r\n\r\n` : `X-Drip-${i}: 1\r\n`)
  }
  const answered = new Promise<string>((resolve) => client.socket.once('data', () => resolve(client.data())))
  return Promise.race([answered, client.closed.then(() => 'closed before answering')])
}

async function listen() {
  const app = appFor(baseConfig({ service: { limits: LIMITS, rateLimit: null } }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  return { app, port }
}

/** The next connection the server accepts: the most it held unsent, and how long it stayed open. */
function nextServerSide(app: Awaited<ReturnType<typeof listen>>['app']) {
  return new Promise<{ heldBytes: number; lifetime: number }>((resolve) =>
    app.server.once('connection', (socket: Socket) => {
      const started = performance.now()
      let heldBytes = 0
      const sample = setInterval(() => (heldBytes = Math.max(heldBytes, socket.writableLength)), 10)
      socket.once('close', () => {
        clearInterval(sample)
        resolve({ heldBytes, lifetime: performance.now() - started })
      })
    }),
  )
}

t.test('sweeps run four times per timeout, at least every second and at most every 10 ms', async (t) => {
  t.equal(sweepInterval(30_000), 1000)
  t.equal(sweepInterval(IDLE_MS), 75)
  t.equal(sweepInterval(1), 10)
})

t.test('only bytes that move count as activity', async (t) => {
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

t.test('a connection that sends nothing is closed once idle, within two sweeps', async (t) => {
  const { app, port } = await listen()
  t.teardown(() => app.close())
  const server = nextServerSide(app)
  const silent = watchClient(connectTcp(port, '127.0.0.1'))
  const ms = await silent.closed
  t.equal(silent.data(), '')
  const { lifetime } = await server
  t.ok(lifetime >= IDLE_MS, `open for ${lifetime.toFixed(0)} ms on the server`)
  t.ok(ms < LATEST_CLOSE_MS, `closed after ${ms.toFixed(0)} ms`)
})

t.test('a slow client that keeps sending is not idle', async (t) => {
  const { app, port } = await listen()
  t.teardown(() => app.close())
  const slow = watchClient(connectTcp(port, '127.0.0.1'))
  t.match(await trickle(slow, 'x.example'), /^HTTP\/1\.1 200 /, 'answered after 1.2 s of trickling')
  t.ok((await slow.closed) >= 1200 + IDLE_MS, 'closed only once idle')
})

t.test('a client that stops reading its answers is closed, and the server goes on', async (t) => {
  const { app, port } = await listen()
  t.teardown(() => app.close())
  const server = nextServerSide(app)
  const socket = connectTcp(port, '127.0.0.1')
  socket.on('error', () => {})
  socket.pause()
  // Far more answers than the kernel's buffers hold: the server is left holding some and must give up.
  const request = 'GET /mail/config-v1.1.xml HTTP/1.1\r\nHost: autoconfig.test.example\r\n\r\n'
  socket.write(request.repeat(8000))
  const { heldBytes, lifetime } = await server
  t.ok(heldBytes > 0, `the server held ${heldBytes} bytes it could not send`)
  t.ok(lifetime >= IDLE_MS, `closed by the server after ${lifetime.toFixed(0)} ms`)
  t.equal(socket.bytesRead, 0, 'the client read nothing')
  socket.destroy()
  const res = await fetch(`http://127.0.0.1:${port}/healthz`)
  t.equal(res.status, 200)
})

t.test('over HTTPS, a silent connection is closed and one that trickles is spared', async (t) => {
  const dir = tempDir('mailsetup-idle-')
  const certificate = makeCertificate(dir, 'main', { dnsNames: ['test.example', 'autoconfig.test.example'] })
  const path = join(dir, 'mailsetup.yaml')
  const service = { tls: { certificates: [certificate] }, limits: LIMITS }
  writeFileSync(path, stringify(baseConfig({ service, domains: [{ name: 'test.example' }] })))
  const env = { configPath: path, host: '127.0.0.1', port: 0, logLevel: 'silent', shutdownTimeoutMs: 1000 }
  const server = await startServer(env)
  t.teardown(server.close)
  const port = Number(new URL(server.url).port)
  const ca = readFileSync(certificate.cert, 'utf8')
  const open = () =>
    watchClient(connectTls({ host: '127.0.0.1', port, servername: 'autoconfig.test.example', ca }))
  const silent = open()
  const trickling = open()
  await new Promise((resolve) => trickling.socket.once('secureConnect', resolve))
  const answer = await trickle(trickling, 'autoconfig.test.example')
  const silentMs = await silent.closed
  t.ok(silentMs >= IDLE_MS && silentMs < LATEST_CLOSE_MS, `silent: closed after ${silentMs.toFixed(0)} ms`)
  t.match(answer, /^HTTP\/1\.1 200 /, 'trickling: answered after 1.2 s')
  t.ok((await trickling.closed) >= 1200 + IDLE_MS, 'and closed only once idle')
})
