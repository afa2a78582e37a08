import t from 'tap'
import { profileViolations } from './helpers/apple-rules.js'
import {
  DAV,
  type Json,
  POP_ONLY,
  payloads,
  payloadTypes,
  profileOf,
  withDefaults,
} from './helpers/mobileconfig.js'
import { keyTypes, plain, type TypedValue } from './helpers/plist.js'
import { baseConfig, loadConfig } from './helpers/settings.js'

const MAIL_TYPES = {
  EmailAccountType: 'string',
  EmailAddress: 'string',
  IncomingMailServerHostName: 'string',
  IncomingMailServerPortNumber: 'integer',
  IncomingMailServerUseSSL: 'boolean',
  IncomingMailServerUsername: 'string',
  IncomingMailServerAuthentication: 'string',
  OutgoingMailServerHostName: 'string',
  OutgoingMailServerPortNumber: 'integer',
  OutgoingMailServerUseSSL: 'boolean',
  OutgoingMailServerUsername: 'string',
  OutgoingMailServerAuthentication: 'string',
  OutgoingPasswordSameAsIncomingPassword: 'boolean',
  PayloadVersion: 'integer',
}

t.test('IMAP-only: one mail payload with the types Apple expects', async (t) => {
  const { response, root, doc } = await profileOf(baseConfig())
  t.equal(response.headers['content-type'], 'application/x-apple-aspen-config')
  t.equal(response.headers['content-disposition'], 'attachment; filename="test.example.mobileconfig"')
  t.ok(response.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC'))
  t.same(profileViolations(root), [])
  t.match(keyTypes(root), { PayloadType: 'string', PayloadVersion: 'integer', PayloadContent: 'array' })
  t.equal(doc.PayloadType, 'Configuration')
  t.match(doc.PayloadIdentifier, /^example\.test\.mail\.mailsetup\.[0-9a-f-]{36}$/)
  t.same(payloadTypes(doc), ['com.apple.mail.managed'])
  const mail = payloads(root)[0] as TypedValue
  t.match(keyTypes(mail), MAIL_TYPES)
  t.match(plain(mail), {
    EmailAccountType: 'EmailTypeIMAP',
    EmailAddress: 'alice@test.example',
    IncomingMailServerHostName: 'imap.test.example',
    IncomingMailServerPortNumber: 993,
    IncomingMailServerUseSSL: true,
    IncomingMailServerUsername: 'alice@test.example',
    IncomingMailServerAuthentication: 'EmailAuthPassword',
    OutgoingMailServerHostName: 'smtp.test.example',
    OutgoingMailServerPortNumber: 465,
    OutgoingMailServerUseSSL: true,
    OutgoingPasswordSameAsIncomingPassword: true,
  })
  t.notMatch(response.body, /Password<\/key>\s*<string>/, 'no password is embedded')
})

t.test('POP-only: EmailTypePOP, and STARTTLS counts as UseSSL', async (t) => {
  const config = withDefaults({
    incoming: [...POP_ONLY].reverse(),
    outgoing: [{ type: 'smtp', hostname: 'smtp.test.example', port: 587, security: 'starttls' }],
  })
  const { root, doc } = await profileOf(config)
  t.same(profileViolations(root), [])
  const mail = payloads(root)[0] as TypedValue
  t.match(keyTypes(mail), MAIL_TYPES)
  t.match(plain(mail), {
    EmailAccountType: 'EmailTypePOP',
    IncomingMailServerPortNumber: 110,
    IncomingMailServerUseSSL: true,
    OutgoingMailServerPortNumber: 587,
    OutgoingMailServerUseSSL: true,
  })
  t.same(payloadTypes(doc), ['com.apple.mail.managed'])
})

t.test('IMAP is preferred over POP3, whatever the order; TLS over plain', async (t) => {
  const config = withDefaults({
    incoming: [
      POP_ONLY[0],
      { type: 'imap', hostname: 'plain.test.example', port: 143, security: 'none' },
      { type: 'imap', hostname: 'imap.test.example', port: 143, security: 'starttls' },
    ],
  })
  const mail = (await profileOf(config)).doc.PayloadContent as Json[]
  t.match(mail[0], { EmailAccountType: 'EmailTypeIMAP', IncomingMailServerHostName: 'imap.test.example' })
})

t.test('with DAV: CalDAV and CardDAV payloads with integer ports and boolean SSL', async (t) => {
  const { root, doc } = await profileOf(withDefaults({ dav: DAV }))
  t.same(profileViolations(root), [])
  t.same(payloadTypes(doc), [
    'com.apple.mail.managed',
    'com.apple.caldav.account',
    'com.apple.carddav.account',
  ])
  const [, caldav, carddav] = payloads(root) as TypedValue[]
  t.match(keyTypes(caldav as TypedValue), {
    CalDAVPort: 'integer',
    CalDAVUseSSL: 'boolean',
    CalDAVHostName: 'string',
  })
  t.match(plain(caldav as TypedValue), {
    CalDAVHostName: 'dav.test.example',
    CalDAVPort: 443,
    CalDAVUseSSL: true,
    CalDAVPrincipalURL: DAV.caldavUrl,
    CalDAVUsername: 'alice@test.example',
  })
  t.match(keyTypes(carddav as TypedValue), { CardDAVPort: 'integer', CardDAVUseSSL: 'boolean' })
  t.match(plain(carddav as TypedValue), { CardDAVHostName: 'dav.test.example', CardDAVPort: 8443 })
})

t.test('a plain-http DAV URL gets port 80 and UseSSL false; only CalDAV when only it is set', async (t) => {
  const { doc } = await profileOf(withDefaults({ dav: { caldavUrl: 'http://cal.test.example/' } }))
  t.same(payloadTypes(doc), ['com.apple.mail.managed', 'com.apple.caldav.account'])
  t.match((doc.PayloadContent as Json[])[1], { CalDAVPort: 80, CalDAVUseSSL: false })
})

t.test('with ActiveSync preferred: one EAS payload replaces IMAP and DAV', async (t) => {
  const config = withDefaults({
    dav: DAV,
    exchange: { activeSyncUrl: 'https://eas.test.example/Microsoft-Server-ActiveSync' },
    apple: { preferActiveSync: true },
  })
  const { root, doc } = await profileOf(config)
  t.same(profileViolations(root), [])
  t.same(payloadTypes(doc), ['com.apple.eas.account'])
  const eas = payloads(root)[0] as TypedValue
  t.match(keyTypes(eas), { EmailAddress: 'string', Host: 'string', SSL: 'boolean', UserName: 'string' })
  t.match(plain(eas), { Host: 'eas.test.example', SSL: true, UserName: 'alice@test.example' })
  const notPreferred = await profileOf(
    withDefaults({ exchange: { activeSyncUrl: 'https://eas.test.example/' } }),
  )
  t.same(payloadTypes(notPreferred.doc), ['com.apple.mail.managed'], 'ActiveSync only when preferred')
})

t.test('preferActiveSync without an ActiveSync URL warns and serves IMAP', async (t) => {
  const { warnings } = loadConfig(withDefaults({ apple: { preferActiveSync: true } }))
  t.match(warnings, [{ path: 'domains[0]', message: /activeSyncUrl is not set/ }])
  const { doc } = await profileOf(withDefaults({ apple: { preferActiveSync: true } }))
  t.same(payloadTypes(doc), ['com.apple.mail.managed'])
  const bad = () => loadConfig(withDefaults({ apple: { preferActiveSync: 'yes' } }))
  t.throws(bad, /problem/)
})

t.test('authentication and usernames follow the servers', async (t) => {
  const config = withDefaults({
    incoming: [
      {
        type: 'imap',
        hostname: 'imap.test.example',
        port: 993,
        security: 'tls',
        authentication: ['OAuth2', 'password-encrypted'],
        username: 'localpart',
      },
    ],
    outgoing: [
      {
        type: 'smtp',
        hostname: 'smtp.test.example',
        port: 465,
        security: 'tls',
        authentication: ['OAuth2'],
      },
    ],
  })
  const mail = ((await profileOf(config)).doc.PayloadContent as Json[])[0]
  t.match(mail, {
    IncomingMailServerAuthentication: 'EmailAuthCRAMMD5',
    IncomingMailServerUsername: 'alice',
    OutgoingMailServerAuthentication: 'EmailAuthPassword',
    OutgoingMailServerUsername: 'alice@test.example',
    OutgoingPasswordSameAsIncomingPassword: false,
  })
  const plainOnly = withDefaults({
    incoming: [{ type: 'imap', hostname: 'imap.test.example', port: 143, security: 'none' }],
  })
  const insecure = ((await profileOf(plainOnly)).doc.PayloadContent as Json[])[0]
  t.match(insecure, { IncomingMailServerUseSSL: false }, 'a server without TLS only when it is the only one')
})
