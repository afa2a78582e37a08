import { mkdtempSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { stringify } from 'yaml'
import { startServer } from '../src/server.js'
import { profileViolations } from './helpers/apple-rules.js'
import { parsePlist } from './helpers/plist.js'
import { baseConfig } from './helpers/settings.js'

/** GET with a chosen Host header (fetch does not let one set it), redirects not followed. */
function getWithHost(url: string, host: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode as number, location: res.headers.location }))
    })
    req.on('error', reject)
    req.end()
  })
}

// One suite over real HTTP on a free port: what Safari and a DAV client get from a running service.
t.test('a running server serves profiles and DAV redirects', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mailsetup-apple-'))
  const configPath = join(dir, 'mailsetup.yaml')
  const config = baseConfig({
    domains: [{ name: 'test.example', dav: { caldavUrl: 'https://dav.test.example/cal/' } }],
  })
  writeFileSync(configPath, stringify(config))
  const server = await startServer({
    configPath,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    shutdownTimeoutMs: 1000,
  })
  t.teardown(() => server.close())

  const profile = await fetch(`${server.url}/email.mobileconfig?email=alice%40test.example`)
  t.equal(profile.status, 200)
  t.equal(profile.headers.get('content-type'), 'application/x-apple-aspen-config')
  t.equal(profile.headers.get('content-disposition'), 'attachment; filename="test.example.mobileconfig"')
  t.same(profileViolations(parsePlist(await profile.text())), [])

  const missing = await fetch(`${server.url}/email.mobileconfig`)
  t.equal(missing.status, 400)
  t.match(await missing.text(), /\/setup/)

  const caldav = await getWithHost(`${server.url}/.well-known/caldav`, 'test.example')
  t.same(caldav, { status: 301, location: 'https://dav.test.example/cal/' })
  const carddav = await getWithHost(`${server.url}/.well-known/carddav`, 'test.example')
  t.equal(carddav.status, 404)
})
