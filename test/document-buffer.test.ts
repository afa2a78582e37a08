// Filled documents: those sharing slabs of memory must each still be their own bytes, whatever is
// filled after them; those kept per domain for requests without an address must be the bytes a fill
// of the domain's own profile gives, one per domain, and must not outlive a reload.
import { rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildApp } from '../src/app.js'
import { createLogger } from '../src/logging/logger.js'
import {
  allocateDocument,
  claimDocument,
  type DocumentHolder,
  LARGEST_CARVED,
  REUSED_SLABS,
  releaseDocument,
  SLAB_BYTES,
} from '../src/render/document-buffer.js'
import { compileTemplate, fillTemplateBytes } from '../src/render/template.js'
import { escapeXml } from '../src/render/xml.js'
import { placeholderIdentity } from '../src/resolve/identity.js'
import { createSnapshot, documentsFor } from '../src/state/snapshot.js'
import { SnapshotStore } from '../src/state/snapshot-store.js'
import { parseAutoconfig } from './helpers/autoconfig-rules.js'
import { baseConfig, loadConfig } from './helpers/settings.js'

t.test('documents carved one after another never share a byte', async (t) => {
  const documents: Buffer[] = []
  // Enough to run through several slabs, with sizes that are not multiples of 8.
  for (let n = 0; n < 200; n++) {
    const document = allocateDocument(2_000 + (n % 13))
    document.fill(n % 251)
    documents.push(document)
  }
  documents.forEach((document, n) => {
    t.equal(document.length, 2_000 + (n % 13))
    if (!document.every((byte) => byte === n % 251)) t.fail(`document ${n} was overwritten`)
  })
  const regions = documents.map((d) => ({
    buffer: d.buffer,
    start: d.byteOffset,
    end: d.byteOffset + d.length,
  }))
  const overlapping = regions.filter((a, i) =>
    regions.some((b, j) => i !== j && a.buffer === b.buffer && a.start < b.end && b.start < a.end),
  )
  t.equal(overlapping.length, 0, 'no two documents overlap in memory')
  t.ok(new Set(regions.map((r) => r.buffer)).size > 1, 'more than one slab was used')
})

t.test('documents up to LARGEST_CARVED come from a slab, larger ones get memory of their own', async (t) => {
  t.equal(allocateDocument(LARGEST_CARVED).buffer.byteLength, SLAB_BYTES, 'the largest carved size')
  const large = allocateDocument(LARGEST_CARVED + 1)
  t.not(large.buffer.byteLength, SLAB_BYTES, 'one byte more is not carved')
  large.fill(7)
  const next = allocateDocument(100)
  next.fill(9)
  t.ok(
    large.every((byte) => byte === 7),
    'filling the next document leaves it alone',
  )
  t.not(large.buffer, next.buffer)
})

t.test('filled templates are carved too while their layout is out, each with its own address', async (t) => {
  const template = compileTemplate(
    (id) => `<user>${id.address}</user><domain>${id.domain}</domain>`,
    escapeXml,
  )
  const alice = fillTemplateBytes(template, {
    address: 'alice@example.com',
    localPart: 'alice',
    domain: 'example.com',
  })
  claimDocument(alice, { writableFinished: false })
  // The same lengths, while alice's answer is still being sent from the layout.
  const carol = fillTemplateBytes(template, {
    address: 'carol@example.com',
    localPart: 'carol',
    domain: 'example.com',
  })
  const kept = fillTemplateBytes(template, placeholderIdentity('example.com'), false)
  t.equal(alice.toString(), '<user>alice@example.com</user><domain>example.com</domain>')
  t.equal(carol.toString(), '<user>carol@example.com</user><domain>example.com</domain>')
  t.equal(kept.toString(), '<user>%EMAILADDRESS%</user><domain>example.com</domain>')
  t.not(alice.buffer.byteLength, SLAB_BYTES, 'the first: the layout itself')
  t.equal(carol.buffer.byteLength, SLAB_BYTES, 'the second: from a slab')
  t.equal(kept.buffer.byteLength, SLAB_BYTES, 'one to be kept: from a slab')
})

/** `count` documents of 2,000 bytes, each filled with its own byte and claimed by `holder`. */
function sendMany(count: number, holder: DocumentHolder, fill = 2): Buffer[] {
  return Array.from({ length: count }, (_, n) => {
    const document = allocateDocument(2_000)
    document.fill((fill + n) % 251)
    claimDocument(document, holder)
    return document
  })
}

const finished: DocumentHolder = { writableFinished: true }

/**
 * Whether `earlier`'s slab was carved again from its start after it: documents carved later from the
 * same slab before it was full lie after `earlier`; a reused slab starts again at offset 0.
 */
const slabReused = (earlier: Buffer, later: readonly Buffer[]) =>
  later.some((document) => document.buffer === earlier.buffer && document.byteOffset <= earlier.byteOffset)
// Documents per slab, and enough documents to pass through every slab kept for reuse several times.
const PER_SLAB = Math.floor(SLAB_BYTES / 2_000)
const MANY = PER_SLAB * (REUSED_SLABS + 2) * 3

t.test('slabs whose documents have all been sent are used again', async (t) => {
  const sent = sendMany(MANY, finished)
  const slabs = new Set(sent.map((document) => document.buffer))
  t.ok(slabs.size <= REUSED_SLABS + 2, `${MANY} documents in ${slabs.size} slabs`)
  t.ok(
    sent.at(-1)?.every((byte) => byte === (2 + MANY - 1) % 251),
    'the last one holds its own bytes',
  )
})

t.test('a document still being sent is never overwritten, nor its slab used again', async (t) => {
  const sending = { writableFinished: false }
  const held = allocateDocument(2_000)
  held.fill(1)
  claimDocument(held, sending)
  const later = sendMany(MANY, finished)
  t.ok(
    held.every((byte) => byte === 1),
    'its bytes are intact',
  )
  t.notOk(slabReused(held, later), 'its slab is not carved again')
})

t.test('a slab is used again once its last response finishes', async (t) => {
  const sending = { writableFinished: false }
  const held = allocateDocument(2_000)
  claimDocument(held, sending)
  // Still in flight while its slab waits its turn, then finished before the turn comes.
  sendMany(PER_SLAB * 2, finished)
  sending.writableFinished = true
  const later = sendMany(MANY, finished)
  t.ok(slabReused(held, later), 'its slab is used again')
})

t.test('a document released after it was copied does not hold its slab', async (t) => {
  const copied = allocateDocument(2_000)
  releaseDocument(copied)
  t.ok(slabReused(copied, sendMany(MANY, finished)), 'its slab is used again')
})

t.test('only the document carved last can be claimed, and only once', async (t) => {
  // Sent twice: the second claim must not count for `untracked`, sent by someone who never claims.
  const sentTwice = allocateDocument(2_000)
  claimDocument(sentTwice, finished)
  const untracked = allocateDocument(2_000)
  untracked.fill(3)
  claimDocument(sentTwice, finished)
  // A slab of its own for the next case, so that each case alone keeps its slab from reuse.
  sendMany(PER_SLAB + 1, finished)
  // Claimed after another was carved, it stays unclaimed; the other's second claim does not count.
  const early = allocateDocument(2_000)
  early.fill(4)
  const next = allocateDocument(2_000)
  claimDocument(early, finished)
  claimDocument(next, finished)
  claimDocument(next, finished)
  // Memory not carved from the slab, at the same offset as the slab's unclaimed first document.
  let first: Buffer
  do {
    first = allocateDocument(2_000)
    if (first.byteOffset !== 0) claimDocument(first, finished)
  } while (first.byteOffset !== 0)
  first.fill(5)
  claimDocument(Buffer.allocUnsafeSlow(2_000), finished)
  claimDocument(allocateDocument(LARGEST_CARVED + 1), finished)
  const later = sendMany(MANY, finished)
  for (const [name, document, byte] of [
    ['untracked', untracked, 3],
    ['early', early, 4],
    ['first', first, 5],
  ] as const) {
    t.ok(
      document.every((value) => value === byte),
      `${name} is intact`,
    )
    t.notOk(slabReused(document, later), `${name}: its slab is not carved again`)
  }
})

const ask = (who: string, close = false) =>
  `GET /mail/config-v1.1.xml?emailaddress=${who}%40test.example HTTP/1.1\r\n` +
  `Host: autoconfig.test.example\r\n${close ? 'Connection: close\r\n' : ''}\r\n`

/** A connection that reads nothing until `read` is called; then everything until the server closes. */
function stalledClient(options: { port: number; host: string } | { path: string }) {
  const socket = connect(options as { port: number })
  socket.pause()
  const read = async () => {
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.resume()
    await new Promise((resolve) => socket.on('end', resolve))
    return Buffer.concat(chunks).toString()
  }
  return { send: (text: string) => socket.write(text), read }
}

/** How many of the answers, in order, do not name exactly the address `who(n)` asked with. */
function misaddressed(t: Test, text: string, count: number, who: (n: number) => string): number {
  const answers = text.split('HTTP/1.1 200 OK').slice(1)
  t.equal(answers.length, count, 'every request answered')
  return answers.filter((answer, n) => {
    const addresses = new Set(answer.match(/[a-z]+\d+@test\.example/g))
    return addresses.size !== 1 || !addresses.has(`${who(n)}@test.example`)
  }).length
}

function listeningApp(t: Test) {
  const store = new SnapshotStore(createSnapshot(loadConfig({ ...config, service: { rateLimit: null } })))
  const app = buildApp({ store, logger: createLogger('silent') })
  t.teardown(() => app.close())
  return app
}

t.test('pipelined answers waiting in Node keep their own bytes while others are answered', async (t) => {
  const app = listeningApp(t)
  const url = new URL(await app.listen({ host: '127.0.0.1', port: 0 }))
  const stalled = stalledClient({ port: Number(url.port), host: url.hostname })
  const count = 1_500
  stalled.send(Array.from({ length: count }, (_, n) => ask(`slow${n}`, n === count - 1)).join(''))
  for (let n = 0; n < 300; n++) {
    const res = await fetch(`${url.origin}/mail/config-v1.1.xml?emailaddress=fast${n}%40test.example`, {
      headers: { host: 'autoconfig.test.example' },
    })
    if (!(await res.text()).includes(`fast${n}@test.example`)) t.fail(`fast answer ${n}`)
  }
  t.equal(
    misaddressed(t, await stalled.read(), count, (n) => `slow${n}`),
    0,
  )
})

t.test('an answer libuv is still writing keeps its bytes, though its slab-mates have finished', async (t) => {
  const app = listeningApp(t)
  // A Unix socket: its small kernel buffer fills after a few dozen answers, and the rest of the
  // answer being written then stays with libuv.
  const path = join(tmpdir(), `mailsetup-slabs-${process.pid}.sock`)
  rmSync(path, { force: true })
  await app.listen({ path })
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => agent.destroy())
  const fetchOver = (who: string) =>
    new Promise<string>((resolve, reject) => {
      const query = `/mail/config-v1.1.xml?emailaddress=${who}%40test.example`
      const req = request({
        socketPath: path,
        agent,
        path: query,
        headers: { host: 'autoconfig.test.example' },
      })
      req.on('response', (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve(Buffer.concat(chunks).toString()))
      })
      req.on('error', reject).end()
    })
  const stalled = stalledClient({ path })
  const count = 70
  let fast = 0
  const askFast = async () => {
    const who = `fast${fast++}`
    if (!(await fetchOver(who)).includes(`${who}@test.example`)) t.fail(who)
  }
  for (let n = 0; n < count; n++) {
    stalled.send(ask(`slow${n}`, n === count - 1))
    // Enough answers after each to fill the rest of its slab with documents that finish at once.
    for (let k = 0; k < 25; k++) await askFast()
  }
  // And enough to pass through every slab kept for reuse before the stalled client reads.
  for (let k = 0; k < 200; k++) await askFast()
  t.equal(
    misaddressed(t, await stalled.read(), count, (n) => `slow${n}`),
    0,
  )
})

// Two profiles: other.example has its own IMAP host.
const ownImap = [{ type: 'imap', hostname: 'imap.other.example', port: 993, security: 'tls' }]
const config = baseConfig({
  domains: [
    { name: 'test.example' },
    { name: 'other.example', incoming: ownImap },
    { name: 'third.example' },
  ],
})

/** A fresh snapshot of `config`, and a way to name its domains. */
function freshSnapshot() {
  const snapshot = createSnapshot(loadConfig(config))
  const domain = (name: string) => {
    const found = snapshot.settings.lookup.get(name)
    if (found === undefined) throw new Error(`${name} is not hosted`)
    return found
  }
  return { snapshot, kept: snapshot.addressFree, domain }
}

t.test('a document is its own profile’s, filled on first use, then picked', async (t) => {
  const { snapshot, kept, domain } = freshSnapshot()
  for (const name of ['test.example', 'other.example', 'third.example']) {
    const documents = documentsFor(snapshot, domain(name).profile)
    for (const [variant, template] of [
      ['full', documents.autoconfig],
      ['onePerType', documents.autoconfigOnePerType],
    ] as const) {
      const first = kept.for(domain(name), variant)
      t.same(first, fillTemplateBytes(template, placeholderIdentity(name)), `${name} ${variant}: a fill`)
      t.equal(kept.for(domain(name), variant), first, 'picked, not filled again')
      t.equal(first.buffer.byteLength, first.length, 'memory of its own, not a slab')
    }
  }
  const imap = (name: string) => parseAutoconfig(kept.for(domain(name), 'full').toString()).incoming
  t.same(
    imap('other.example').map((server) => server.hostname),
    ['imap.other.example'],
    'its own profile',
  )
  t.equal(imap('test.example').length, 2)
  t.not(kept.for(domain('test.example'), 'full'), kept.for(domain('third.example'), 'full'))
  t.not(freshSnapshot().kept, kept, 'each snapshot keeps its own')
})

t.test('a crawl of many domains keeps a bounded number of documents, over both variants', async (t) => {
  const { kept, domain } = freshSnapshot()
  const base = domain('test.example')
  for (let i = 0; i < 1500; i++) {
    kept.for({ ...base, name: `d${i}.example` }, 'full')
    kept.for({ ...base, name: `d${i}.example` }, 'onePerType')
  }
  t.ok(kept.size <= 1000, `${kept.size} kept`)
  t.same(
    parseAutoconfig(kept.for({ ...base, name: 'd7.example' }, 'full').toString()).domains,
    ['d7.example'],
    'a dropped document is filled again',
  )
})

t.test('over HTTP each domain gets its own document, and a reload drops the kept ones', async (t) => {
  const store = new SnapshotStore(createSnapshot(loadConfig({ ...config, service: { rateLimit: null } })))
  const app = buildApp({ store, logger: createLogger('silent') })
  t.teardown(() => app.close())
  const ask = async (host: string, query = '') => {
    const res = await app.inject({ url: `/mail/config-v1.1.xml${query}`, headers: { host } })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'application/xml; charset=utf-8')
    return parseAutoconfig(res.body)
  }
  for (let round = 0; round < 2; round++) {
    for (const domain of ['test.example', 'other.example', 'third.example']) {
      const doc = await ask(`autoconfig.${domain}`)
      t.same(doc.domains, [domain], `round ${round}: ${domain}`)
      t.ok(doc.incoming.every((server) => server.username === '%EMAILADDRESS%'))
    }
  }
  // Evolution's variant (one server per type) is kept apart from the full document.
  const evolution = await ask('autoconfig.test.example', '?emailmd5=0123456789abcdef0123456789abcdef')
  t.same(evolution.domains, ['test.example'])
  t.equal(evolution.incoming.length, 1, 'one IMAP server')
  const before = await ask('autoconfig.test.example')
  t.equal(before.incoming.length, 2, 'both IMAP servers')
  t.equal(before.displayName, 'Test Mail')
  const renamed = { id: 'mail.test.example', name: 'Renamed Mail', shortName: 'R' }
  store.replace(createSnapshot(loadConfig({ ...config, provider: renamed })))
  t.equal((await ask('autoconfig.test.example')).displayName, 'Renamed Mail', 'the reloaded settings answer')
})

t.test(
  'answers sent through Fastify are claimed: their layout is taken again once they finish',
  async (t) => {
    const store = new SnapshotStore(createSnapshot(loadConfig({ ...config, service: { rateLimit: null } })))
    const app = buildApp({ store, logger: createLogger('silent') })
    t.teardown(() => app.close())
    const url = new URL(await app.listen({ host: '127.0.0.1', port: 0 }))
    const profile = store.current.settings.lookup.get('test.example')?.profile
    if (profile === undefined) throw new Error('test.example is not hosted')
    const template = documentsFor(store.current, profile).autoconfig
    // HEAD is answered by Fastify (the direct lane takes GET only), from the same fill as GET.
    const ask = (who: string, method: string) =>
      fetch(`${url.origin}/mail/config-v1.1.xml?emailaddress=${who}%40test.example`, {
        method,
        headers: { host: 'autoconfig.test.example' },
      })
    for (const who of ['alice', 'carol', 'diana']) t.equal((await ask(who, 'HEAD')).status, 200)
    const layouts = [...(template.layouts?.values() ?? [])]
    t.equal(layouts.length, 1, 'one layout for the three addresses of the same length')
    const frank = { address: 'frank@test.example', localPart: 'frank', domain: 'test.example' }
    const next = fillTemplateBytes(template, frank)
    t.equal(next, layouts[0]?.bytes, 'those responses have finished: the next answer is the layout itself')
    claimDocument(next, { writableFinished: true })
    t.match(await (await ask('ellen', 'GET')).text(), '<username>ellen@test.example</username>')
  },
)
