import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'

type Tap = Test

import { buildApp } from '../src/app.js'
import { createLogger } from '../src/logging/logger.js'
import { errorTime, serverIdFor } from '../src/render/autodiscover-error.js'
import { createSnapshot, type Snapshot } from '../src/state/snapshot.js'
import { SnapshotStore } from '../src/state/snapshot-store.js'
import {
  activeSyncBody,
  MOBILESYNC_SCHEMA,
  OUTLOOK_SCHEMA,
  outlookBody,
  postPox,
  RESPONSE_NS,
  XML_TYPE,
} from './helpers/autodiscover-requests.js'
import { parsePox, poxViolations } from './helpers/autodiscover-rules.js'
import { appFor, BUNDLED_CONFIG, baseConfig, loadConfig } from './helpers/settings.js'

const bundled = readFileSync(BUNDLED_CONFIG, 'utf8')
const app = appFor(bundled)
t.teardown(() => app.close())

/** The answer is a protocol error document with HTTP 200, in the expected namespace, echoing nothing. */
async function expectError(
  t: Tap,
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  code: string,
  responseNs?: string,
) {
  t.equal(res.statusCode, 200, 'errors are sent with HTTP 200')
  t.equal(res.headers['content-type'], XML_TYPE)
  const view = parsePox(res.body)
  t.equal(view.outerNs, RESPONSE_NS)
  t.equal(view.responseNs, responseNs)
  t.equal(view.error?.code, code)
  t.match(view.error?.time, /^\d\d:\d\d:\d\d\.\d{3}$/)
  t.match(view.error?.id, /^\d+$/)
  t.same(at(view.response, 'Error', 'DebugData'), '')
  t.notMatch(res.body, /at .*\.(js|ts):\d+/, 'no stack trace')
}

function at(node: unknown, ...path: string[]): unknown {
  return path.reduce((n, key) => (n as Record<string, unknown> | undefined)?.[key], node)
}

async function stillServing(t: Tap) {
  const res = await postPox(app, outlookBody('alice@example.com'))
  t.same(poxViolations(res), [], 'the service still answers a normal request')
}

t.test('every casing of the path, with GET and POST', async (t) => {
  for (const path of [
    '/autodiscover/autodiscover.xml',
    '/Autodiscover/Autodiscover.xml',
    '/AutoDiscover/AutoDiscover.xml',
    '/AUTODISCOVER/AUTODISCOVER.XML',
    '/autoDiscover/autodiscover.XML',
  ]) {
    const post = await postPox(app, outlookBody('alice@example.com'), { 'content-type': XML_TYPE }, path)
    t.same(poxViolations(post), [], `POST ${path}`)
    const get = await app.inject({ method: 'GET', url: path })
    await expectError(t, get, '600')
  }
  const other = await app.inject({ method: 'GET', url: '/autodiscover/autodiscover.xmlx' })
  t.equal(other.statusCode, 404, 'only the exact path is folded')
})

t.test('protocol error codes', async (t) => {
  const schemaless = outlookBody('alice@example.com').replace(
    /<AcceptableResponseSchema>.*<\/AcceptableResponseSchema>/,
    '',
  )
  await expectError(t, await postPox(app, schemaless), '600')
  const addressless = outlookBody('').replace('<EMailAddress></EMailAddress>', '')
  await expectError(t, await postPox(app, addressless), '600', OUTLOOK_SCHEMA)
  await expectError(t, await postPox(app, outlookBody('not-an-address')), '600', OUTLOOK_SCHEMA)
  await expectError(t, await postPox(app, '<Autodiscover><Other/></Autodiscover>'), '600')
  const evil = 'http://evil.example/<script>'
  const unknownSchema = await postPox(app, outlookBody('alice@example.com', evil.replace('<', '&lt;')))
  await expectError(t, unknownSchema, '601')
  t.notOk(unknownSchema.body.includes('evil.example'), 'the requested schema is never echoed')
  const https = OUTLOOK_SCHEMA.replace('http:', 'https:')
  await expectError(t, await postPox(app, outlookBody('alice@example.com', https)), '601')
  await expectError(t, await postPox(app, outlookBody('alice@unknown.example')), '500', OUTLOOK_SCHEMA)
  await expectError(t, await postPox(app, activeSyncBody('alice@unknown.example')), '500', MOBILESYNC_SCHEMA)
  await expectError(t, await postPox(app, activeSyncBody('carol@example.net')), '601', MOBILESYNC_SCHEMA)
  const plainOnly = appFor(
    baseConfig({
      defaults: {
        incoming: [{ type: 'imap', hostname: 'imap.test.example', port: 143, security: 'none' }],
        outgoing: [{ type: 'smtp', hostname: 'smtp.test.example', port: 25, security: 'none' }],
      },
    }),
  )
  await expectError(t, await postPox(plainOnly, outlookBody('bob@test.example')), '501', OUTLOOK_SCHEMA)
  t.equal(errorTime(new Date('2026-01-02T03:04:05.678Z')), '03:04:05.678')
  t.equal(serverIdFor('mail.example.com'), serverIdFor('mail.example.com'))
  t.not(serverIdFor('mail.example.com'), serverIdFor('mail.example.net'))
})

t.test('an internal failure is error 603 with HTTP 200, and nothing leaks', async (t) => {
  const snapshot = createSnapshot(loadConfig(bundled))
  let failures = 0
  // A store whose first read during a request fails, as a bug below the route would (the app reads
  // it once while it is built, for its limits).
  const store = new (class extends SnapshotStore {
    override get current(): Snapshot {
      if (failures-- > 0) throw new Error('boom at /secret/path.ts:12')
      return snapshot
    }
  })(snapshot)
  const failing = buildApp({ store, logger: createLogger('silent') })
  failures = 1
  const res = await postPox(failing, outlookBody('alice@example.com'))
  await expectError(t, res, '603')
  t.notOk(res.body.includes('boom'))
  t.same(poxViolations(await postPox(failing, outlookBody('alice@example.com'))), [])
})

t.test('hostile bodies', async (t) => {
  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]><Autodiscover><Request><EMailAddress>&lol2;</EMailAddress><AcceptableResponseSchema>${OUTLOOK_SCHEMA}</AcceptableResponseSchema></Request></Autodiscover>`
  const external = `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Autodiscover><Request><EMailAddress>&xxe;</EMailAddress><AcceptableResponseSchema>${OUTLOOK_SCHEMA}</AcceptableResponseSchema></Request></Autodiscover>`
  const undeclared = outlookBody('&xxe;@example.com')
  const cases: [string, string | Buffer, Record<string, string>, number | string][] = [
    ['entity expansion', laughs, { 'content-type': XML_TYPE }, '600'],
    ['external entity', external, { 'content-type': XML_TYPE }, '600'],
    ['undeclared entity', undeclared, { 'content-type': XML_TYPE }, '600'],
    [
      '10,000-deep nesting (over the size cap)',
      '<a>'.repeat(10_000) + '</a>'.repeat(10_000),
      { 'content-type': XML_TYPE },
      413,
    ],
    [
      '1,000-deep nesting (under the cap)',
      '<a>'.repeat(1000) + '</a>'.repeat(1000),
      { 'content-type': XML_TYPE },
      '600',
    ],
    ['oversized', outlookBody('alice@example.com') + ' '.repeat(9000), { 'content-type': XML_TYPE }, 413],
    [
      'invalid UTF-8',
      Buffer.concat([Buffer.from(outlookBody('alice').slice(0, 100)), Buffer.from([0xc3, 0x28, 0xff])]),
      { 'content-type': XML_TYPE },
      '600',
    ],
    [
      'invalid UTF-8 in the address',
      Buffer.from(outlookBody('al\u00ffice@example.com').replace('\u00ff', '\ufffe'), 'latin1'),
      { 'content-type': XML_TYPE },
      '600',
    ],
    ['empty', '', { 'content-type': XML_TYPE }, '600'],
    [
      'not XML',
      'emailaddress=alice@example.com',
      { 'content-type': 'application/x-www-form-urlencoded' },
      '600',
    ],
    ['malformed', '<Autodiscover><Request></Autodiscover>', { 'content-type': XML_TYPE }, '600'],
    [
      '__proto__ element',
      `<Autodiscover><Request><__proto__><x>1</x></__proto__></Request></Autodiscover>`,
      { 'content-type': XML_TYPE },
      '600',
    ],
    ['element in a field', outlookBody('<b>x</b>'), { 'content-type': XML_TYPE }, '600'],
    ['invalid Content-Type header', outlookBody('alice@example.com'), { 'content-type': '/' }, '600'],
  ]
  for (const [name, body, headers, expected] of cases) {
    const res = await postPox(app, body, headers)
    if (typeof expected === 'number') {
      t.equal(res.statusCode, expected, name)
      t.equal(res.headers['content-type'], 'text/plain; charset=utf-8', name)
    } else {
      await expectError(t, res, expected)
    }
    await stillServing(t)
  }
})

t.test('the body is read as XML whatever the Content-Type says', async (t) => {
  const expected = (await postPox(app, outlookBody('alice@example.com'))).body
  for (const type of [
    'application/xml',
    'text/xml; charset=UTF-8',
    'text/xml; charset="utf-8"',
    // FairEmail
    'application/x-www-form-urlencoded',
    'application/json',
    'text/plain',
  ]) {
    const res = await postPox(app, outlookBody('alice@example.com'), { 'content-type': type })
    t.equal(res.body, expected, type)
  }
  const untyped = await app.inject({
    method: 'POST',
    url: '/autodiscover/autodiscover.xml',
    payload: Buffer.from(outlookBody('alice@example.com')),
    headers: { 'content-type': '' },
  })
  t.equal(untyped.statusCode, 200)
  const bare = await app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml' })
  await expectError(t, bare, '600')
})
