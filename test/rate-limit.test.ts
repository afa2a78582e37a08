// Issue 5: per-client rate limiting: token buckets, 429 with Retry-After, exemptions, reload, proxies.
import t from 'tap'
import { buildApp } from '../src/app.js'
import { clientKey, RateLimiter } from '../src/http/rate-limit.js'
import { createLogger } from '../src/logging/logger.js'
import { buildRateLimit, DEFAULT_RATE_LIMIT } from '../src/settings/service-limits.js'
import { createSnapshot } from '../src/state/snapshot.js'
import { SnapshotStore } from '../src/state/snapshot-store.js'
import { appFor, baseConfig, loadConfig } from './helpers/settings.js'

const AUTOCONFIG = '/mail/config-v1.1.xml?emailaddress=alice@test.example'

t.test('token bucket: burst, refill at the per-minute rate, and the wait it reports', async (t) => {
  const limiter = new RateLimiter()
  const settings = { requestsPerMinute: 60, burst: 3 }
  const start = 1_000_000
  t.same(
    [1, 2, 3].map(() => limiter.take('a', settings, start)),
    [0, 0, 0],
    'the burst goes through',
  )
  t.equal(limiter.take('a', settings, start), 1, 'then one per second: wait 1 s')
  t.equal(limiter.take('b', settings, start), 0, 'another client has its own bucket')
  t.equal(limiter.take('a', settings, start + 1000), 0, 'a second later one more')
  t.equal(limiter.take('a', settings, start + 1000), 1)
  const slow = { requestsPerMinute: 1, burst: 1 }
  t.equal(limiter.take('c', slow, start), 0)
  t.equal(limiter.take('c', slow, start + 15_000), 45, 'Retry-After counts the seconds until a token')
})

t.test('idle clients are swept once a minute; memory stays bounded under a flood', async (t) => {
  const limiter = new RateLimiter()
  const settings = { requestsPerMinute: 60, burst: 2 }
  limiter.take('idle', settings, 0)
  limiter.take('busy', settings, 59_000)
  limiter.take('busy', settings, 59_000)
  t.equal(limiter.size, 2)
  limiter.take('new', settings, 60_001)
  t.equal(limiter.size, 2, 'the refilled client was forgotten, the busy one kept')
  for (let i = 0; i < 100_010; i++) limiter.take(`flood-${i}`, settings, 60_002)
  t.equal(limiter.size, 100_000, 'at most 100,000 clients are tracked')
})

t.test('client keys: IPv4 as is, IPv6 by /64, IPv4-mapped as IPv4', async (t) => {
  t.equal(clientKey('192.0.2.7'), '192.0.2.7')
  t.equal(clientKey('::ffff:192.0.2.7'), '192.0.2.7')
  t.equal(clientKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64')
  t.equal(clientKey('2001:DB8:1:2::99'), '2001:db8:1:2::/64')
  t.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64')
  t.equal(clientKey('::1'), '0:0:0:0::/64')
  t.equal(clientKey('fe80::'), 'fe80:0:0:0::/64')
})

t.test('config: defaults, a missing burst, and null to switch it off', async (t) => {
  t.same(buildRateLimit(undefined), DEFAULT_RATE_LIMIT)
  t.same(buildRateLimit({ requestsPerMinute: 120 }), { requestsPerMinute: 120, burst: 20 })
  t.same(buildRateLimit({ requestsPerMinute: 1 }), { requestsPerMinute: 1, burst: 1 })
  t.equal(buildRateLimit(null), undefined)
  t.same(loadConfig(baseConfig()).settings.service.rateLimit, DEFAULT_RATE_LIMIT)
  const off = loadConfig(baseConfig({ service: { rateLimit: null } }))
  t.equal(off.settings.service.rateLimit, undefined)
  t.throws(() => loadConfig(baseConfig({ service: { rateLimit: { requestsPerMinute: 0 } } })))
})

t.test('429 with Retry-After past the burst; health is exempt; clients are counted apart', async (t) => {
  const app = appFor(baseConfig({ service: { rateLimit: { requestsPerMinute: 6, burst: 2 } } }))
  t.teardown(() => app.close())
  const get = (url: string, remoteAddress = '192.0.2.1') => app.inject({ method: 'GET', url, remoteAddress })
  t.equal((await get(AUTOCONFIG)).statusCode, 200)
  t.equal((await get('/nothing')).statusCode, 404, 'unknown paths count too (scanners)')
  const limited = await get(AUTOCONFIG)
  t.equal(limited.statusCode, 429)
  t.equal(limited.headers['retry-after'], '10')
  t.equal(limited.body, 'too many requests\n')
  t.equal(limited.headers['x-content-type-options'], 'nosniff')
  for (const path of ['/healthz', '/readyz', '/healthz']) t.equal((await get(path)).statusCode, 200, path)
  t.equal((await get(AUTOCONFIG, '192.0.2.2')).statusCode, 200, 'another address is not limited')
  t.equal((await get(AUTOCONFIG, '2001:db8:1:2::1')).statusCode, 200)
  t.equal((await get(AUTOCONFIG, '2001:db8:1:2::2')).statusCode, 200)
  t.equal((await get(AUTOCONFIG, '2001:db8:1:2::3')).statusCode, 429, 'one IPv6 /64 is one client')
  const spoofed = await app.inject({
    method: 'GET',
    url: AUTOCONFIG,
    remoteAddress: '192.0.2.1',
    headers: { 'x-forwarded-for': '198.51.100.9' },
  })
  t.equal(spoofed.statusCode, 429, 'X-Forwarded-For from an untrusted peer changes nothing')
})

t.test('a reload applies the new rate limit; null switches it off', async (t) => {
  const strict = loadConfig(baseConfig({ service: { rateLimit: { requestsPerMinute: 1, burst: 1 } } }))
  const store = new SnapshotStore(createSnapshot(strict))
  const app = buildApp({ store, logger: createLogger('silent') })
  t.teardown(() => app.close())
  t.equal((await app.inject(AUTOCONFIG)).statusCode, 200)
  t.equal((await app.inject(AUTOCONFIG)).statusCode, 429)
  store.replace(createSnapshot(loadConfig(baseConfig({ service: { rateLimit: null } }))))
  for (let i = 0; i < 5; i++) t.equal((await app.inject(AUTOCONFIG)).statusCode, 200)
})
