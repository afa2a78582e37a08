import fastify from 'fastify'
import t from 'tap'
import { clientView } from '../src/http/client-address.js'
import { registerDavDiscoveryRoutes } from '../src/routes/dav-discovery.js'
import { createSnapshot } from '../src/state/snapshot.js'
import { SnapshotStore } from '../src/state/snapshot-store.js'
import { appFor, baseConfig, loadConfig } from './helpers/settings.js'

const CALDAV = 'https://dav.test.example/remote.php/dav/'
const CARDDAV = 'https://contacts.test.example/carddav/'

function config() {
  return baseConfig({
    domains: [
      { name: 'test.example', aliases: ['alias.example'], dav: { caldavUrl: CALDAV, carddavUrl: CARDDAV } },
      { name: 'nodav.example' },
      { name: 'calonly.example', dav: { caldavUrl: CALDAV } },
    ],
  })
}

t.test('/.well-known/caldav and carddav redirect (301) to the configured URLs', async (t) => {
  const app = appFor(config())
  t.teardown(() => app.close())
  for (const [path, target] of [
    ['/.well-known/caldav', CALDAV],
    ['/.well-known/carddav', CARDDAV],
  ] as const) {
    for (const host of ['test.example', 'TEST.example:443', 'alias.example', 'autoconfig.test.example']) {
      const response = await app.inject({ url: path, headers: { host } })
      t.equal(response.statusCode, 301, `${path} on ${host}`)
      t.equal(response.headers.location, target)
    }
  }
})

t.test('PROPFIND (with an XML body) and HEAD are redirected too', async (t) => {
  const app = appFor(config())
  t.teardown(() => app.close())
  const propfind = await app.inject({
    method: 'PROPFIND',
    url: '/.well-known/caldav',
    headers: { host: 'test.example', 'content-type': 'text/xml; charset=utf-8', depth: '0' },
    payload: '<?xml version="1.0"?><propfind xmlns="DAV:"><prop><current-user-principal/></prop></propfind>',
  })
  t.equal(propfind.statusCode, 301)
  t.equal(propfind.headers.location, CALDAV)
  const head = await app.inject({
    method: 'HEAD',
    url: '/.well-known/carddav',
    headers: { host: 'test.example' },
  })
  t.equal(head.statusCode, 301)
  t.equal(head.headers.location, CARDDAV)
})

t.test('404 when the domain has no DAV service or is not hosted', async (t) => {
  const app = appFor(config())
  t.teardown(() => app.close())
  const none = await app.inject({ url: '/.well-known/caldav', headers: { host: 'nodav.example' } })
  t.equal(none.statusCode, 404)
  t.match(none.body, /no CalDAV service/)
  t.equal(none.headers.location, undefined)
  const calOnly = await app.inject({ url: '/.well-known/carddav', headers: { host: 'calonly.example' } })
  t.equal(calOnly.statusCode, 404)
  t.match(calOnly.body, /no CardDAV service/)
  const calOnlyCal = await app.inject({ url: '/.well-known/caldav', headers: { host: 'calonly.example' } })
  t.equal(calOnlyCal.statusCode, 301)
  const unknown = await app.inject({ url: '/.well-known/caldav', headers: { host: 'other.example' } })
  t.equal(unknown.statusCode, 404)
  t.match(unknown.body, /not hosted/)
})

t.test('registering next to another family that added PROPFIND first', async (t) => {
  const app = fastify()
  app.addHttpMethod('PROPFIND', { hasBody: true })
  const store = new SnapshotStore(createSnapshot(loadConfig(config())))
  registerDavDiscoveryRoutes(app, { store, isReady: () => true, client: clientView(undefined) })
  const response = await app.inject({
    method: 'PROPFIND',
    url: '/.well-known/caldav',
    headers: { host: 'test.example' },
  })
  t.equal(response.statusCode, 301)
  await app.close()
})
