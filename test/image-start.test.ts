// The image's start command, run outside Docker: the Dockerfile's exact CMD from the same layout
// (/app holds package.json, node_modules and dist, which `npm test` builds), its environment with
// the config laid out as in /etc/mailsetup, its HEALTHCHECK, and what SIGTERM does.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { outlookBody } from './helpers/autodiscover-requests.js'
import { configWithImap, sleep, tempDir, waitFor } from './helpers/ops.js'

const root = new URL('../', import.meta.url).pathname
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8')

/** A JSON-array instruction (CMD, HEALTHCHECK … CMD) of the Dockerfile. */
function execForm(pattern: RegExp): string[] {
  const match = pattern.exec(dockerfile.replace(/\\\n\s*/g, ''))
  if (match === null) throw new Error(`not in the Dockerfile: ${pattern}`)
  return JSON.parse(match[1] as string) as string[]
}

const CMD = execForm(/^CMD (\[.*\])$/m)
const HEALTHCHECK = execForm(/^HEALTHCHECK [^[]* CMD (\[.*\])$/m)
const IMAGE_ENV = Object.fromEntries(
  [...dockerfile.replace(/\\\n\s*/g, ' ').matchAll(/^ENV (.*)$/gm)].flatMap((m) =>
    [...(m[1] as string).matchAll(/(\w+)=(\S+)/g)].map((kv) => [kv[1], kv[2]]),
  ),
) as Record<string, string>

t.test('the image runs `node dist/mailsetup.js serve` with its config in /etc/mailsetup', async (t) => {
  t.same(CMD, ['node', 'dist/mailsetup.js', 'serve'])
  t.equal(IMAGE_ENV.MAILSETUP_CONFIG, '/etc/mailsetup/mailsetup.yaml')
  t.equal(IMAGE_ENV.PORT, '8080')
  t.match(
    readFileSync(join(root, 'README.md'), 'utf8'),
    'node dist/mailsetup.js serve',
    'the README names the CMD',
  )
  // The bundle (scripts/bundle.mjs) is what production runs, however it is started.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  t.equal(pkg.scripts.start, 'node dist/mailsetup.js serve', 'npm start runs the same')
  t.equal(pkg.bin.mailsetup, 'dist/mailsetup.js', 'so does the package bin')
})

t.test('the bundle runs the other commands too (the bin is the bundle)', async (t) => {
  const bundle = join(root, 'dist/mailsetup.js')
  const config = join(root, 'config/mailsetup.yaml')
  const run = (...args: string[]) => spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8' })
  const validate = run('validate', config)
  t.equal(validate.status, 0, validate.stderr)
  t.match(validate.stdout, /: OK \(2 domains/)
  const check = run('check', 'alice@example.com', '--config', config, '--json')
  t.equal(check.status, 0, check.stderr)
  t.equal(JSON.parse(check.stdout).address, 'alice@example.com')
  const dns = run('dns', '--all', '--config', config)
  t.equal(dns.status, 0, dns.stderr)
  t.match(dns.stdout, /^autoconfig\.example\.com\.\s+\d+ IN CNAME /m)
  t.match(run('doctor', '--help').stdout, /^Usage: mailsetup doctor/)
})

interface Served {
  readonly child: ChildProcess
  readonly port: number
  readonly logs: string[]
  readonly exited: Promise<number | null>
}

/** Starts the CMD as the image would, but on a free port and with the config in a temp /etc/mailsetup. */
async function serveLikeTheImage(env: Record<string, string> = {}): Promise<Served> {
  const etc = join(tempDir(), 'etc', 'mailsetup')
  mkdirSync(etc, { recursive: true })
  writeFileSync(join(etc, 'mailsetup.yaml'), configWithImap('imap.test.example'))
  const [command, ...args] = CMD as [string, ...string[]]
  const child = spawn(command === 'node' ? process.execPath : command, args, {
    cwd: root,
    env: {
      ...process.env,
      ...IMAGE_ENV,
      MAILSETUP_CONFIG: join(etc, 'mailsetup.yaml'),
      HOST: '127.0.0.1',
      PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // Never leave a server behind, whatever ends this test process.
  process.once('exit', () => child.kill('SIGKILL'))
  const logs: string[] = []
  child.stdout!.on('data', (chunk: Buffer) => logs.push(...chunk.toString().split('\n').filter(Boolean)))
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const port = await waitFor(() => {
    const found = logs.map((line) => /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(line)).find(Boolean)
    return found ? Number(found[1]) : undefined
  }, 20_000)
  return { child, port, logs, exited }
}

const XML = outlookBody('alice@test.example')
const HEAD =
  'POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: autodiscover.test.example\r\n' +
  `Content-Type: text/xml; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(XML)}\r\n\r\n`

/** Sends an Autodiscover request whose body stops half-way: a request in flight. */
async function startSlowRequest(port: number): Promise<{ socket: Socket; answer: Promise<string> }> {
  const socket = connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  let received = ''
  socket.on('data', (chunk) => (received += chunk.toString()))
  const answer = new Promise<string>((resolve) => socket.once('close', () => resolve(received)))
  socket.write(HEAD + XML.slice(0, 100))
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

const [plain, quick] = await Promise.all([
  serveLikeTheImage(),
  serveLikeTheImage({ SHUTDOWN_TIMEOUT_MS: '300' }),
])

t.test('the HEALTHCHECK command passes against the running service', async (t) => {
  const [command, ...args] = HEALTHCHECK as [string, ...string[]]
  t.equal(command, 'node')
  const env = { ...process.env, PORT: String(plain.port) }
  t.equal(spawnSync(process.execPath, args, { env }).status, 0)
  t.equal(
    spawnSync(process.execPath, args, { env: { ...env, PORT: '1' } }).status,
    1,
    'and fails when nothing answers',
  )
  t.equal((await fetch(`http://127.0.0.1:${plain.port}/readyz`)).status, 200)
})

t.test('SIGTERM finishes the request in flight, refuses new connections, and exits', async (t) => {
  const idle = connect(plain.port, '127.0.0.1')
  let idleAnswer = ''
  idle.on('data', (chunk) => (idleAnswer += chunk.toString()))
  idle.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')
  await waitFor(() => (idleAnswer.includes('"ok"') ? true : undefined))
  const slow = await startSlowRequest(plain.port)
  await sleep(100)
  plain.child.kill('SIGTERM')
  await waitFor(() => (plain.logs.some((l) => l.includes('"shutting down"')) ? true : undefined))
  t.equal(await connectionRefused(plain.port), 'ECONNREFUSED', 'no new connection is accepted')
  await waitFor(() => (idle.destroyed ? true : undefined))
  t.pass('an idle keep-alive connection is closed at once')
  t.equal(plain.child.exitCode, null, 'still running while a request is in flight')
  slow.socket.write(XML.slice(100))
  const finished = Date.now()
  const answer = await slow.answer
  t.match(answer, /^HTTP\/1\.1 200 OK\r\n/, 'the request in flight got its whole answer')
  t.match(answer, /<Server>imap\.test\.example<\/Server>[\s\S]*<\/Autodiscover>\s*$/)
  t.equal(await plain.exited, 0)
  t.ok(Date.now() - finished < 2000, 'exited right after the last answer, long before the deadline')
})

t.test('past the deadline, the connections left are closed and the process exits', async (t) => {
  const slow = await startSlowRequest(quick.port)
  await sleep(100)
  const start = Date.now()
  quick.child.kill('SIGTERM')
  t.equal(await slow.answer, '', 'the stalled request is dropped')
  t.equal(await quick.exited, 0)
  const took = Date.now() - start
  t.ok(took >= 250 && took < 3000, `exited after ${took} ms`)
  t.ok(quick.logs.some((l) => l.includes('shutdown deadline passed')))
})
