// Apple profiles are prepared per profile at load time (issue 9): filling the template must give
// exactly the bytes the renderer gives for the same address, whatever the profile and the address.

import { readFileSync } from 'node:fs'
import t from 'tap'
import { profileIds, renderMobileconfig } from '../src/render/mobileconfig.js'
import { resolveAddress } from '../src/resolve/resolve-account.js'
import { fillMobileconfig } from '../src/state/mobileconfig-documents.js'
import { createSnapshot, documentsFor } from '../src/state/snapshot.js'
import { DAV, type Json, POP_ONLY, withDefaults } from './helpers/mobileconfig.js'
import { BUNDLED_CONFIG, loadConfig } from './helpers/settings.js'

const server = (type: string, hostname: string, port: number, username?: string) => ({
  type,
  hostname,
  port,
  security: 'tls',
  ...(username === undefined ? {} : { username }),
})

const CONFIGS: [string, Json | string][] = [
  ['bundled', readFileSync(BUNDLED_CONFIG, 'utf8')],
  ['DAV', withDefaults({ dav: DAV })],
  ['POP only', withDefaults({ incoming: POP_ONLY })],
  [
    'ActiveSync preferred',
    withDefaults({
      exchange: { activeSyncUrl: 'https://eas.test.example/Microsoft-Server-ActiveSync' },
      apple: { preferActiveSync: true },
    }),
  ],
  [
    // The same login written two ways: the same password only once the address is known.
    'usernames that coincide per address',
    withDefaults({
      incoming: [server('imap', 'imap.test.example', 993, '%EMAILLOCALPART%@%EMAILDOMAIN%')],
      outgoing: [server('smtp', 'smtp.test.example', 465, '%EMAILADDRESS%')],
    }),
  ],
  [
    'usernames that differ',
    withDefaults({
      incoming: [server('imap', 'imap.test.example', 993, '%EMAILLOCALPART%')],
      outgoing: [server('smtp', 'smtp.test.example', 465)],
    }),
  ],
]

const ADDRESSES = ['alice@test.example', `o'b&<x>"y@test.example`, 'Ünïcødé@test.example', 'a@example.com']

t.test('a prepared profile fills to exactly what the renderer gives', async (t) => {
  for (const [name, config] of CONFIGS) {
    const snapshot = createSnapshot(loadConfig(config))
    const { provider } = snapshot.settings
    for (const address of ADDRESSES) {
      let account: ReturnType<typeof resolveAddress>
      try {
        account = resolveAddress(snapshot.settings, address)
      } catch {
        continue
      }
      const ids = profileIds(provider, account.identity.address)
      const direct = renderMobileconfig({
        provider,
        profile: account.profile,
        identity: account.identity,
        ids,
      })
      const documents = documentsFor(snapshot, account.profile).mobileconfig()
      t.equal(
        fillMobileconfig(documents, account.profile, account.identity, ids),
        direct,
        `${name}: ${address}`,
      )
    }
  }
})
