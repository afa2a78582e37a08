import { readFileSync } from 'node:fs'
import t from 'tap'
import { startLocalServer } from './helpers/local-server.js'
import { appFor, BUNDLED_CONFIG, baseConfig } from './helpers/settings.js'

const bundled = readFileSync(BUNDLED_CONFIG, 'utf8')
const app = appFor(bundled)
t.teardown(() => app.close())

const POX = 'https://autodiscover.example.com/autodiscover/autodiscover.xml'
const EAS = 'https://outlook.example.com/Microsoft-Server-ActiveSync'
const EWS = 'https://outlook.example.com/EWS/Exchange.asmx'

const SPELLINGS: [string, string, string][] = [
  ['AutodiscoverV1', 'AutodiscoverV1', POX],
  ['Autodiscoverv1', 'AutodiscoverV1', POX],
  ['autodiscoverv1', 'AutodiscoverV1', POX],
  ['AUTODISCOVERV1', 'AutodiscoverV1', POX],
  ['ActiveSync', 'ActiveSync', EAS],
  ['activesync', 'ActiveSync', EAS],
  ['ACTIVESYNC', 'ActiveSync', EAS],
  ['Ews', 'Ews', EWS],
  ['EWS', 'Ews', EWS],
  ['ews', 'Ews', EWS],
]

const get = async (url: string) => {
  const res = await app.inject({ method: 'GET', url })
  return { status: res.statusCode, type: res.headers['content-type'], json: res.json() }
}

t.test('both URL forms, every Protocol spelling, any path casing', async (t) => {
  for (const [spelling, protocol, url] of SPELLINGS) {
    for (const path of [
      `/autodiscover/autodiscover.json?Email=alice@example.com&Protocol=${spelling}&RedirectCount=1`,
      `/Autodiscover/Autodiscover.json?email=alice%40example.com&protocol=${spelling}`,
      `/autodiscover/autodiscover.json/v1.0/alice@example.com?Protocol=${spelling}&RedirectCount=1`,
      `/AutoDiscover/AutoDiscover.json/V1.0/alice%40example.com?Protocol=${spelling}`,
    ]) {
      const res = await get(path)
      t.equal(res.status, 200, path)
      t.equal(res.type, 'application/json; charset=utf-8')
      t.same(res.json, { Protocol: protocol, Url: url }, path)
    }
  }
})

t.test('unsupported or unconfigured protocols are 400 InvalidProtocol', async (t) => {
  for (const path of [
    '/autodiscover/autodiscover.json?Email=alice@example.com&Protocol=Rest',
    '/autodiscover/autodiscover.json?Email=alice@example.com',
    '/autodiscover/autodiscover.json/v1.0/alice@example.com?Protocol=<script>',
    // example.net has no Exchange-style settings.
    '/autodiscover/autodiscover.json?Email=carol@example.net&Protocol=ActiveSync',
    '/autodiscover/autodiscover.json/v1.0/carol@example.net?Protocol=Ews',
  ]) {
    const res = await get(path)
    t.equal(res.status, 400, path)
    t.equal(res.json.ErrorCode, 'InvalidProtocol')
    t.type(res.json.ErrorMessage, 'string')
    t.notMatch(res.json.ErrorMessage, /script|Rest/, 'nothing the client sent is echoed')
  }
  const net = await get('/autodiscover/autodiscover.json?Email=carol@example.net&Protocol=AutodiscoverV1')
  t.same(net.json, { Protocol: 'AutodiscoverV1', Url: POX }, 'the POX endpoint is offered to every domain')
})

t.test('missing or malformed addresses and unknown domains', async (t) => {
  const missing = await get('/autodiscover/autodiscover.json?Protocol=AutodiscoverV1')
  t.same([missing.status, missing.json.ErrorCode], [400, 'InvalidEmailAddress'])
  const bad = await get('/autodiscover/autodiscover.json/v1.0/not-an-address?Protocol=Ews')
  t.same([bad.status, bad.json.ErrorCode], [400, 'InvalidEmailAddress'])
  const unknown = await get('/autodiscover/autodiscover.json?Email=a@unknown.example&Protocol=AutodiscoverV1')
  t.same([unknown.status, unknown.json.ErrorCode], [404, 'NotFound'])
})

t.test('without a public URL the POX URL is the domain autodiscover host; redirected domains', async (t) => {
  const own = appFor(
    baseConfig({
      domains: [
        { name: 'test.example', aliases: ['alias.example'] },
        { name: 'away.example', redirectUrl: 'https://ad.other.example/autodiscover/autodiscover.xml' },
      ],
    }),
  )
  const json = async (url: string) => (await own.inject({ method: 'GET', url })).json()
  t.same(await json('/autodiscover/autodiscover.json?Email=bob@Alias.Example&Protocol=AutodiscoverV1'), {
    Protocol: 'AutodiscoverV1',
    Url: 'https://autodiscover.alias.example/autodiscover/autodiscover.xml',
  })
  t.same(await json('/autodiscover/autodiscover.json?Email=bob@away.example&Protocol=autodiscoverv1'), {
    Protocol: 'AutodiscoverV1',
    Url: 'https://ad.other.example/autodiscover/autodiscover.xml',
  })
  t.equal(
    (await json('/autodiscover/autodiscover.json?Email=bob@away.example&Protocol=Ews')).ErrorCode,
    'InvalidProtocol',
  )
})

t.test('a real server answers both forms', async (t) => {
  const server = await startLocalServer()
  t.teardown(() => server.close())
  const query = await fetch(
    `${server.url}/autodiscover/autodiscover.json?Email=alice%40example.com&Protocol=Autodiscoverv1`,
  )
  t.equal(query.status, 200)
  t.same(await query.json(), { Protocol: 'AutodiscoverV1', Url: POX })
  const path = await fetch(
    `${server.url}/autodiscover/autodiscover.json/v1.0/alice@example.com?Protocol=ActiveSync`,
  )
  t.same(await path.json(), { Protocol: 'ActiveSync', Url: EAS })
  const invalid = await fetch(
    `${server.url}/autodiscover/autodiscover.json/v1.0/alice@example.com?Protocol=x`,
  )
  t.equal(invalid.status, 400)
  t.equal(invalid.headers.get('content-type'), 'application/json; charset=utf-8')
})
