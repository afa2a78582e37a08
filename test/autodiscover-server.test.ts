// POX Autodiscover over a real socket: what curl, Outlook and FairEmail see, headers included.
import t from 'tap'
import { activeSyncBody, outlookBody } from './helpers/autodiscover-requests.js'
import { parsePox, poxViolations } from './helpers/autodiscover-rules.js'
import { startLocalServer } from './helpers/local-server.js'

t.test('a real server answers POX Autodiscover POSTs and GETs', async (t) => {
  const server = await startLocalServer()
  t.teardown(() => server.close())
  const url = `${server.url}/Autodiscover/Autodiscover.xml`
  const post = async (body: string, type: string) => {
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': type } })
    return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() }
  }
  const outlook = await post(outlookBody('alice@example.com'), 'text/xml; charset=utf-8')
  t.same(poxViolations(outlook), [])
  // FairEmail posts the XML as a form, without credentials.
  const fairEmail = await post(outlookBody('alice@example.com'), 'application/x-www-form-urlencoded')
  t.equal(fairEmail.body, outlook.body)
  const device = await post(activeSyncBody('alice@example.com'), 'text/xml')
  t.match(device.body, /<Type>MobileSync<\/Type>/)
  const big = await post(`${outlookBody('alice@example.com')}${' '.repeat(10_000)}`, 'text/xml')
  t.equal(big.statusCode, 413)
  const get = await fetch(url)
  t.equal(get.status, 200)
  t.equal(parsePox(await get.text()).error?.code, '600')
  t.same(poxViolations(await post(outlookBody('alice@example.com'), 'text/xml')), [], 'still serving')
})
