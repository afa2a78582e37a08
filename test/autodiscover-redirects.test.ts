import t from 'tap'
import { activeSyncBody, OUTLOOK_SCHEMA, outlookBody, postPox } from './helpers/autodiscover-requests.js'
import { at, parsePox, parsePoxXml, poxViolations } from './helpers/autodiscover-rules.js'
import { appFor, baseConfig, loadConfig } from './helpers/settings.js'

const exchange = { activeSyncUrl: 'https://eas.test.example/Microsoft-Server-ActiveSync' }

const config = baseConfig({
  service: { publicUrl: 'https://autodiscover.test.example/', httpsRedirect: true },
  defaults: { ...(baseConfig().defaults as object), exchange },
  domains: [
    { name: 'test.example', aliases: ['alias.example'], aliasRedirect: true },
    { name: 'quiet.example', aliases: ['quiet-alias.example'] },
    {
      name: 'elsewhere.example',
      redirectUrl: 'https://autodiscover.other.example/autodiscover/autodiscover.xml',
    },
  ],
})

t.test(
  'an alias domain configured to redirect answers redirectAddr with the canonical address',
  async (t) => {
    const app = appFor(config)
    const view = parsePox((await postPox(app, outlookBody('Bob@Alias.Example'))).body)
    t.equal(view.responseNs, OUTLOOK_SCHEMA)
    t.equal(view.action, 'redirectAddr')
    t.equal(view.redirectAddr, 'Bob@test.example', 'local part kept as typed, domain canonical')
    t.same(view.protocols, [])
    const mobile = parsePoxXml((await postPox(app, activeSyncBody('bob@alias.example'))).body)
    t.equal(at(mobile, 'Autodiscover', 'Response', 'Action', 'Redirect'), 'bob@test.example')
    // The canonical domain itself, and aliases without aliasRedirect, get settings.
    t.same(poxViolations(await postPox(app, outlookBody('bob@test.example'))), [])
    t.same(poxViolations(await postPox(app, outlookBody('bob@quiet-alias.example'))), [])
  },
)

t.test(
  'a domain hosted elsewhere answers redirectUrl, and ActiveSync devices an HTTP redirect',
  async (t) => {
    const app = appFor(config)
    const view = parsePox((await postPox(app, outlookBody('bob@elsewhere.example'))).body)
    t.equal(view.action, 'redirectUrl')
    t.equal(view.redirectUrl, 'https://autodiscover.other.example/autodiscover/autodiscover.xml')
    const mobile = await postPox(app, activeSyncBody('bob@elsewhere.example'))
    t.equal(mobile.statusCode, 302)
    t.equal(mobile.headers.location, 'https://autodiscover.other.example/autodiscover/autodiscover.xml')
  },
)

t.test('the HTTP redirect method: unauthenticated plain-http GETs go to the HTTPS endpoint', async (t) => {
  const app = appFor(config)
  for (const url of ['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml']) {
    const res = await app.inject({ method: 'GET', url, headers: { host: 'autodiscover.test.example' } })
    t.equal(res.statusCode, 302)
    t.equal(res.headers.location, 'https://autodiscover.test.example/autodiscover/autodiscover.xml')
  }
  const authed = await app.inject({
    method: 'GET',
    url: '/autodiscover/autodiscover.xml',
    headers: { authorization: 'Basic Ym9iOnB3' },
  })
  t.equal(parsePox(authed.body).error?.code, '600', 'credentials mean the client is past the redirect step')
  const post = await postPox(app, outlookBody('bob@test.example'))
  t.same(poxViolations(post), [], 'POST is answered, never redirected')
  const off = appFor(baseConfig())
  const plain = await off.inject({ method: 'GET', url: '/autodiscover/autodiscover.xml' })
  t.equal(plain.statusCode, 200)
  t.equal(parsePox(plain.body).error?.code, '600', 'disabled: the GET gets the protocol error')
})

t.test('the new settings are checked', async (t) => {
  const problems = (overrides: Record<string, unknown>) => {
    try {
      const { warnings } = loadConfig(baseConfig(overrides))
      return warnings.map((w) => `warning ${w.path}`)
    } catch (error) {
      return (error as { problems: { path: string }[] }).problems.map((p) => p.path)
    }
  }
  t.same(problems({ service: { httpsRedirect: true } }), ['service.httpsRedirect'])
  t.same(problems({ service: { publicUrl: 'http://x.example/', httpsRedirect: true } }), [
    'service.httpsRedirect',
  ])
  t.same(problems({ service: { publicUrl: 'https://x.example/', httpsRedirect: false } }), [])
  t.same(problems({ domains: [{ name: 'a.example', redirectUrl: 'http://b.example/x' }] }), [
    'domains[0].redirectUrl',
  ])
  t.same(problems({ domains: [{ name: 'a.example', redirectUrl: 'https://' }] }), ['domains[0].redirectUrl'])
  t.same(problems({ domains: [{ name: 'a.example', aliasRedirect: 'yes' }] }), ['domains[0].aliasRedirect'])
  t.same(problems({ domains: [{ name: 'a.example', exchange: { outlook: 'exchange' } }] }), ['domains[0]'])
  t.same(problems({ domains: [{ name: 'a.example', exchange: { outlook: 'mapi' } }] }), [
    'domains[0].exchange.outlook',
  ])
  t.same(
    problems({
      domains: [{ name: 'a.example', exchange: { ewsUrl: 'https://e.example/EWS/Exchange.asmx' } }],
    }),
    ['warning domains[0]'],
  )
  t.same(
    problems({
      domains: [
        { name: 'a.example', exchange: { ewsUrl: 'https://e.example/EWS/Exchange.asmx', outlook: 'email' } },
      ],
    }),
    [],
  )
  const { settings } = loadConfig(config)
  t.equal(settings.service.httpsRedirect, true)
  t.equal(settings.lookup.get('alias.example')?.aliasRedirect, true)
  t.equal(settings.lookup.get('quiet.example')?.aliasRedirect, undefined)
})
