// Issue 5: headers on every answer, 405 with Allow, Host and URL checks, and no echo of what was sent.
import { STATUS_CODES } from 'node:http'
import t, { type Test } from 'tap'
import { routesOf } from '../src/http/hardening.js'
import { RouteTable } from '../src/http/route-table.js'
import { appFor, baseConfig } from './helpers/settings.js'

const ADDRESS = '/mail/config-v1.1.xml?emailaddress=alice@test.example'

function assertSafeHeaders(t: Test, headers: Record<string, unknown>, what: string) {
  t.equal(headers['x-content-type-options'], 'nosniff', `${what}: nosniff`)
  t.match(String(headers['content-security-policy']), /^default-src 'none'/, `${what}: CSP`)
  t.notOk(headers.server, `${what}: no Server header`)
  t.notOk(headers['x-powered-by'], `${what}: no X-Powered-By`)
}

t.test('every kind of answer carries the security headers and no server version', async (t) => {
  const app = appFor(baseConfig({ service: { limits: { maxBodyBytes: 1024 } } }))
  t.teardown(() => app.close())
  const cases = [
    { name: '200', method: 'GET', url: ADDRESS, status: 200 },
    { name: 'health', method: 'GET', url: '/healthz', status: 200 },
    {
      name: '404 unknown domain',
      method: 'GET',
      url: '/mail/config-v1.1.xml?emailaddress=a@nowhere.example',
      status: 404,
    },
    { name: '404 unknown path', method: 'GET', url: '/wp-login.php', status: 404 },
    { name: '405', method: 'DELETE', url: '/healthz', status: 405 },
    {
      name: '400 bad address',
      method: 'GET',
      url: '/mail/config-v1.1.xml?emailaddress=a%00b@test.example',
      status: 400,
    },
    { name: '400 bad url', method: 'GET', url: '/%E0%A4%A', status: 400 },
    { name: '413', method: 'POST', url: '/healthz', status: 413, body: 'x'.repeat(2000) },
    { name: '414', method: 'GET', url: `/healthz?${'q'.repeat(3000)}`, status: 414 },
  ] as const
  for (const c of cases) {
    const res = await app.inject({
      method: c.method,
      url: c.url,
      ...('body' in c ? { payload: c.body, headers: { 'content-type': 'text/plain' } } : {}),
    })
    t.equal(res.statusCode, c.status, c.name)
    assertSafeHeaders(t, res.headers, c.name)
  }
})

t.test(
  'unexpected methods on known paths get 405 with Allow, built from the registered routes',
  async (t) => {
    const app = appFor(baseConfig())
    t.teardown(() => app.close())
    await app.ready()
    const table = routesOf(app)!
    const paths = new Set(table.entries.map((r) => r.url))
    t.ok(paths.has('/healthz') && paths.has('/mail/config-v1.1.xml'), 'the table lists the real routes')
    for (const path of paths) {
      const allowed = table.allowedMethods(path)
      t.ok(allowed.includes('GET') && allowed.includes('HEAD'), `${path} allows GET and HEAD`)
      const res = await app.inject({ method: 'PUT', url: `${path}?x=1`, payload: '' })
      t.equal(res.statusCode, 405, `PUT ${path}`)
      t.equal(res.headers.allow, allowed.join(', '))
      t.equal(res.body, 'method not allowed\n')
    }
    const unknown = await app.inject({ method: 'PUT', url: '/nothing/here' })
    t.equal(unknown.statusCode, 404)
    t.notOk(unknown.headers.allow)
  },
)

t.test('route patterns: parameters, wildcards, escaped colons and case', async (t) => {
  const table = new RouteTable(true)
  table.add(['GET', 'POST'], '/a/:name/b')
  table.add('GET', '/files/*')
  table.add('GET', '/time::now')
  table.add('DELETE', '/a/:id(^\\d+$)/b')
  t.same(table.allowedMethods('/a/alice@x.example/b?q'), ['DELETE', 'GET', 'POST'])
  t.same(table.allowedMethods('/a//b'), [])
  t.same(table.allowedMethods('/files/x/y.txt'), ['GET'])
  t.same(table.allowedMethods('/time:now'), ['GET'])
  t.same(table.allowedMethods('/A/x/B'), [])
  const insensitive = new RouteTable(false)
  insensitive.add('POST', '/Autodiscover/Autodiscover.xml')
  t.same(insensitive.allowedMethods('/autodiscover/AUTODISCOVER.XML'), ['POST'])
  t.same(insensitive.allowedMethods('/autodiscover/autodiscoverXxml'), [], 'dots are literal')
})

t.test('the Host header is validated', async (t) => {
  const app = appFor(baseConfig())
  t.teardown(() => app.close())
  const good = [
    'test.example',
    'autoconfig.test.example:8443',
    'AUTOCONFIG.TEST.EXAMPLE',
    '127.0.0.1:80',
    '[::1]:8080',
    '[2001:db8::1]',
    'bücher.example',
  ]
  for (const host of good) {
    const res = await app.inject({ method: 'GET', url: '/healthz', headers: { host } })
    t.equal(res.statusCode, 200, `accepted: ${host}`)
  }
  const bad = [
    'a b',
    'test.example:port',
    'user@test.example',
    'test.example/x',
    '[::1',
    'x:1:2',
    'h'.repeat(300),
    '<script>',
  ]
  for (const host of bad) {
    const res = await app.inject({ method: 'GET', url: '/healthz', headers: { host } })
    t.equal(res.statusCode, 400, `refused: ${JSON.stringify(host)}`)
    t.equal(res.body, 'malformed Host header\n')
  }
  const known = await app.inject({
    method: 'GET',
    url: '/mail/config-v1.1.xml',
    headers: { host: 'autoconfig.test.example' },
  })
  t.equal(known.statusCode, 200, 'a hosted domain from Host still resolves')
})

t.test('URL length is capped with 414; the cap is configurable', async (t) => {
  const app = appFor(baseConfig({ service: { limits: { maxUrlLength: 300 } } }))
  t.teardown(() => app.close())
  const local = 'a'.repeat(64)
  const ok = await app.inject({
    method: 'GET',
    url: `/mail/config-v1.1.xml?emailaddress=${local}@test.example`,
  })
  t.equal(ok.statusCode, 200)
  const long = await app.inject({
    method: 'GET',
    url: `/mail/config-v1.1.xml?emailaddress=${'a'.repeat(300)}@test.example`,
  })
  t.equal(long.statusCode, 414)
  t.equal(long.body, 'URI too long\n')
})

t.test('Fastify errors answer with the status text, never the request', async (t) => {
  const app = appFor(baseConfig())
  t.teardown(() => app.close())
  const secret = 'alice.secret@test.example'
  const json = await app.inject({
    method: 'POST',
    url: '/healthz',
    headers: { 'content-type': 'application/json' },
    payload: `{"${secret}`,
  })
  t.equal(json.statusCode, 400)
  t.equal(json.body, 'bad request\n')
  const media = await app.inject({
    method: 'POST',
    url: '/healthz',
    headers: { 'content-type': `application/${secret}` },
    payload: 'x',
  })
  t.equal(media.statusCode, 415)
  t.equal(media.body, `${STATUS_CODES[415]!.toLowerCase()}\n`)
  const badUrl = await app.inject({ method: 'GET', url: `/${secret}/%E0%A4%A` })
  t.equal(badUrl.body, 'bad request\n')
  for (const res of [json, media, badUrl]) t.notMatch(res.body, 'alice')
  const odd = appFor(baseConfig())
  odd.get('/odd', async () => {
    throw Object.assign(new Error(secret), { statusCode: 499 })
  })
  const unnamed = await odd.inject('/odd')
  t.equal(unnamed.statusCode, 499)
  t.equal(unnamed.body, 'bad request\n', 'a status without a name answers as a bad request')
  await odd.close()
})

t.test('same answer for any local part in a hosted domain: no mailbox enumeration', async (t) => {
  const app = appFor(baseConfig())
  t.teardown(() => app.close())
  const locals = ['alice', 'no.such.user', 'postmaster', 'x', 'a+tag', "o'brien", '%41dmin', 'z'.repeat(64)]
  const answers = new Set<string>()
  for (const local of locals) {
    const address = `${local}@test.example`
    const res = await app.inject({
      method: 'GET',
      url: `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`,
    })
    t.equal(res.statusCode, 200, local)
    const escaped = address.replaceAll("'", '&apos;')
    answers.add(`${res.headers['content-type']}|${res.body.replaceAll(escaped, '@ADDRESS@')}`)
  }
  t.equal(answers.size, 1, 'one answer, differing only in the address filled in')
})
