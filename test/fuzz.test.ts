// Issue 5: at least 10,000 generated requests through every route the app has; no 5xx, every answer
// well-formed, nothing echoed or logged, and a normal request still succeeds afterwards.
// Replay a run with FUZZ_SEED=<seed printed below> npx tap test/fuzz.test.ts
import { readFileSync } from 'node:fs'
import t from 'tap'
import { routesOf } from '../src/http/hardening.js'
import { CANARY, randomRequest, seededRandom } from './helpers/fuzz-inputs.js'
import { autodiscoverRequest, HOSTILE_XML } from './helpers/hostile-xml.js'
import { captureLogs } from './helpers/log-capture.js'
import { answerProblems } from './helpers/response-shape.js'
import { appFor, BUNDLED_CONFIG } from './helpers/settings.js'

// A few seconds on an idle 2-core machine; the margin is for a machine shared with other test runs.
t.setTimeout(180_000)

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000)
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))

const BATCH = 50
const NORMAL = '/mail/config-v1.1.xml?emailaddress=alice%40example.com'

t.test(`fuzz: ${REQUESTS} requests, seed ${seed}`, async (t) => {
  t.comment(`fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`)
  const logs = captureLogs()
  const app = appFor(readFileSync(BUNDLED_CONFIG, 'utf8'), logs.stream)
  t.teardown(() => app.close())
  await app.ready()
  const routes = routesOf(app)!.entries
  t.ok(routes.length >= 10, `${routes.length} routes to fuzz`)
  const r = seededRandom(seed)
  const statuses = new Map<number, number>()
  const failures: string[] = []
  // inject() spends most of its time waiting on the event loop: batches of concurrent requests keep the
  // suite to a few seconds. Generation stays sequential, so a seed gives the same requests.
  for (let start = 0; start < REQUESTS; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, REQUESTS - start) }, () => randomRequest(r, routes))
    const answers = await Promise.all(batch.map((request) => app.inject(request)))
    answers.forEach((res, k) => {
      const request = batch[k]!
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
      const problems = answerProblems(request.method, res, CANARY)
      if (problems.length > 0 && failures.length < 20)
        failures.push(`#${start + k} ${request.method} ${request.url.slice(0, 200)}: ${problems.join('; ')}`)
    })
    // Its own client address per batch: the fuzz traffic itself may have spent 127.0.0.1's rate budget.
    const probe = `198.51.100.${(start / BATCH) % 250}`
    const normal = await app.inject({
      url: NORMAL,
      headers: { host: 'autoconfig.example.com' },
      remoteAddress: probe,
    })
    if (normal.statusCode !== 200) failures.push(`normal request after #${start}: ${normal.statusCode}`)
  }
  t.same(failures, [], `every answer well-formed (seed ${seed})`)
  t.comment(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`)
  t.ok((statuses.get(200) ?? 0) > REQUESTS / 20, 'a fair share of requests reached a real answer')
  t.ok(
    [...statuses.keys()].every((s) => s < 500),
    'no 5xx',
  )
  const leaks = logs
    .text()
    .split('\n')
    .filter((line) => line.includes(CANARY))
  t.same(leaks.slice(0, 3), [], 'no generated address reached the logs')
  // Only malformed percent-encodings are answered before Fastify's hooks run, and so go unlogged.
  t.ok(logs.text().split('\n').length > REQUESTS * 0.95, 'the requests were logged')

  const after = await app.inject({ url: NORMAL, remoteAddress: '192.0.2.200' })
  t.equal(after.statusCode, 200, 'a normal request still succeeds afterwards')
  t.match(after.body, '<username>alice@example.com</username>')
})

t.test('hostile XML through every route that takes a body', async (t) => {
  const app = appFor(readFileSync(BUNDLED_CONFIG, 'utf8'))
  t.teardown(() => app.close())
  await app.ready()
  const posts = routesOf(app)!.entries.filter((r) => r.method === 'POST')
  t.ok(posts.length > 0, `${posts.length} POST routes`)
  let client = 0
  for (const route of posts) {
    for (const body of HOSTILE_XML) {
      for (const type of [
        'text/xml; charset=utf-8',
        'application/x-www-form-urlencoded',
        'application/json',
      ]) {
        const res = await app.inject({
          method: 'POST',
          url: route.url.replace(/:[A-Za-z0-9_]+/g, 'a%40example.com'),
          headers: { 'content-type': type, host: 'autodiscover.example.com' },
          payload: body,
          remoteAddress: `10.9.${client >> 8}.${client++ & 255}`,
        })
        const problems = answerProblems('POST', res, CANARY)
        if (route.url === '/autodiscover/autodiscover.xml' && res.statusCode !== 413) {
          // Autodiscover answers every refused request with its own error document, status 200.
          if (res.statusCode !== 200 || !/<ErrorCode>60[0-3]<\/ErrorCode>/.test(res.body))
            problems.push(`not an Autodiscover error document: ${res.statusCode}`)
        }
        t.same(problems, [], `${route.url} ${type} ${body.slice(0, 40)}`)
      }
    }
  }
  const normal = await app.inject({
    method: 'POST',
    url: '/autodiscover/autodiscover.xml',
    headers: { 'content-type': 'text/xml' },
    payload: autodiscoverRequest('alice@example.com'),
  })
  t.match(normal.body, '<LoginName>alice@example.com</LoginName>', 'a normal request still succeeds')
})
