import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { configWithImap, sleep, tempDir, waitFor } from './helpers/ops.js'

const CLI = new URL('../src/cli.ts', import.meta.url).pathname

interface Served {
  readonly child: ChildProcess
  readonly port: number
  readonly logs: string[]
  readonly exited: Promise<{ code: number | null; at: number }>
}

/** The real `mailsetup serve` in its own process, through tap's TypeScript loader. */
async function serve(env: Record<string, string> = {}): Promise<Served> {
  const path = join(tempDir(), 'mailsetup.yaml')
  writeFileSync(path, configWithImap('imap.test.example'))
  const child = spawn(process.execPath, [...process.execArgv, CLI, 'serve'], {
    env: { ...process.env, MAILSETUP_CONFIG: path, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const logs: string[] = []
  let buffered = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop()!
    logs.push(...lines)
  })
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on('exit', (code) => resolve({ code, at: Date.now() })),
  )
  t.teardown(() => void child.kill('SIGKILL'))
  const port = await waitFor(() => {
    const found = logs.map((line) => /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(line)).find(Boolean)
    return found ? Number(found[1]) : undefined
  }, 20_000)
  return { child, port, logs, exited }
}

/** Opens a raw connection and sends the start of a request whose body never finishes by itself. */
async function startSlowRequest(port: number): Promise<{ socket: Socket; answer: Promise<string> }> {
  const socket = connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  let received = ''
  socket.on('data', (chunk) => (received += chunk.toString()))
  const answer = new Promise<string>((resolve) => socket.once('close', () => resolve(received)))
  socket.write(
    'POST /mail/config-v1.1.xml HTTP/1.1\r\nHost: autoconfig.test.example\r\n' +
      'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10\r\n\r\nabc',
  )
  return { socket, answer }
}

function connectionRefused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve('accepted')
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
  })
}

// Each process starts through the TypeScript loader (a few seconds): start both at once.
const [plain, quick] = await Promise.all([serve(), serve({ SHUTDOWN_TIMEOUT_MS: '300' })])

async function idleKeepAlive(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1')
  let received = ''
  socket.on('data', (chunk) => (received += chunk.toString()))
  socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')
  await waitFor(() => (received.includes('"ok"') ? true : undefined))
  return socket
}

t.test('SIGTERM finishes the request in flight, refuses new connections, and exits', async (t) => {
  const served = plain
  const idle = await idleKeepAlive(served.port)
  const slow = await startSlowRequest(served.port)
  await sleep(100)
  served.child.kill('SIGTERM')
  await waitFor(() => (served.logs.some((l) => l.includes('"shutting down"')) ? true : undefined))
  t.equal(await connectionRefused(served.port), 'ECONNREFUSED', 'no new connection is accepted')
  t.equal(served.child.exitCode, null, 'still running while a request is in flight')
  await waitFor(() => (idle.destroyed ? true : undefined))
  t.pass('an idle keep-alive connection is closed at once')
  slow.socket.write('defghij')
  const finished = Date.now()
  const answer = await slow.answer
  t.match(answer, /^HTTP\/1\.1 404 Not Found\r\n/, 'the request in flight got its whole answer')
  t.match(answer, /\r\n\r\nnot found\n$/)
  const { code, at } = await served.exited
  t.equal(code, 0)
  t.ok(at - finished < 2000, `exited ${at - finished} ms after the last answer (deadline 10 s)`)
})

t.test('past the deadline, the connections left are closed and the process exits', async (t) => {
  const served = quick
  const slow = await startSlowRequest(served.port)
  await sleep(100)
  const start = Date.now()
  served.child.kill('SIGTERM')
  const answer = await slow.answer
  t.equal(answer, '', 'the stalled request is dropped')
  const { code, at } = await served.exited
  t.equal(code, 0)
  t.ok(at - start >= 250 && at - start < 3000, `exited after ${at - start} ms`)
  t.ok(served.logs.some((l) => l.includes('shutdown deadline passed')))
})
