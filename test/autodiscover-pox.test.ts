import { readFileSync } from 'node:fs'
import t from 'tap'
import {
  activeSyncBody,
  legacyDnBody,
  MOBILESYNC_SCHEMA,
  OUTLOOK_SCHEMA,
  outlookBody,
  postPox,
  prefixedOutlookBody,
  RESPONSE_NS,
  thunderbirdBody,
} from './helpers/autodiscover-requests.js'
import { at, parsePox, parsePoxXml as parseXml, poxViolations, typeOf } from './helpers/autodiscover-rules.js'
import { appFor, BUNDLED_CONFIG, baseConfig } from './helpers/settings.js'

const bundled = readFileSync(BUNDLED_CONFIG, 'utf8')

t.test('Outlook gets Exchange-style protocols first, then IMAP, POP3, SMTP, then DAV', async (t) => {
  const app = appFor(bundled)
  const res = await postPox(app, outlookBody('alice@example.com'))
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/xml; charset=utf-8')
  t.same(poxViolations(res), [])
  const view = parsePox(res.body)
  t.equal(view.outerNs, RESPONSE_NS)
  t.equal(view.responseNs, OUTLOOK_SCHEMA)
  t.same(view.protocols.map(typeOf), [
    'EXCH',
    'EXPR',
    'WEB',
    'IMAP',
    'IMAP',
    'POP3',
    'POP3',
    'SMTP',
    'SMTP',
    'CalDAV',
    'CardDAV',
  ])
  const [exch, expr, web, imap, imapStarttls, pop3] = view.protocols
  t.match(exch, {
    Server: 'outlook.example.com',
    ASUrl: 'https://outlook.example.com/EWS/Exchange.asmx',
    EwsUrl: 'https://outlook.example.com/EWS/Exchange.asmx',
    OOFUrl: 'https://outlook.example.com/EWS/Exchange.asmx',
    OABUrl: 'https://outlook.example.com/OAB/',
  })
  t.match(expr, { Server: 'outlook.example.com', SSL: 'On', OABUrl: 'https://outlook.example.com/OAB/' })
  t.match(web, { External: { OWAUrl: { '#text': 'https://webmail.example.com/' } } })
  t.same(imap, {
    Type: 'IMAP',
    Server: 'imap.example.com',
    Port: '993',
    LoginName: 'alice@example.com',
    DomainRequired: 'off',
    SPA: 'off',
    SSL: 'on',
    Encryption: 'SSL',
    AuthRequired: 'on',
  })
  t.match(imapStarttls, { Port: '143', Encryption: 'TLS' })
  t.match(pop3, { Type: 'POP3', Port: '995', Encryption: 'SSL' })
  t.match(view.protocols.at(-3), { Type: 'SMTP', Port: '587', Encryption: 'TLS', UsePOPAuth: 'off' })
  t.match(view.protocols.at(-2), {
    Type: 'CalDAV',
    Server: 'https://dav.example.com/caldav/',
    LoginName: 'alice@example.com',
  })
  t.notOk(res.body.includes('mapiHttp'), 'no mapiHttp without X-MapiHttpCapability')
  t.notOk(res.body.includes('User>'), 'no display name: Outlook would take it as the sender name')
})

t.test('mapiHttp is offered only when the request announces it', async (t) => {
  const app = appFor(bundled)
  for (const value of ['1', '2']) {
    const res = await postPox(app, outlookBody('alice@example.com'), {
      'content-type': 'text/xml',
      'x-mapihttpcapability': value,
    })
    const mapi = parsePox(res.body).protocols.find((p) => p['@Type'] === 'mapiHttp')
    t.same(mapi, {
      '@Type': 'mapiHttp',
      '@Version': '1',
      MailStore: {
        InternalUrl: 'https://outlook.example.com/mapi/emsmdb/',
        ExternalUrl: 'https://outlook.example.com/mapi/emsmdb/',
      },
      AddressBook: {
        InternalUrl: 'https://outlook.example.com/mapi/nspi/',
        ExternalUrl: 'https://outlook.example.com/mapi/nspi/',
      },
    })
    t.same(poxViolations(res), [])
  }
  const off = await postPox(app, outlookBody('alice@example.com'), {
    'content-type': 'text/xml',
    'x-mapihttpcapability': '0',
  })
  t.notOk(off.body.includes('mapiHttp'))
})

t.test('Outlook account type: email only, exchange only, and a domain without Exchange', async (t) => {
  const exchange = {
    ewsUrl: 'https://ews.test.example/EWS/Exchange.asmx',
    oabUrl: 'https://ews.test.example/OAB/',
  }
  const types = async (outlook?: string) => {
    const app = appFor(
      baseConfig({ domains: [{ name: 'test.example', exchange: { ...exchange, outlook } }] }),
    )
    const res = await postPox(app, outlookBody('bob@test.example'))
    t.same(poxViolations(res), [], `outlook: ${outlook}`)
    return parsePox(res.body).protocols.map(typeOf)
  }
  t.same(await types('email'), ['IMAP', 'IMAP', 'SMTP', 'SMTP'])
  t.same(await types('exchange'), ['EXCH', 'EXPR'])
  t.same(await types(undefined), ['EXCH', 'EXPR', 'IMAP', 'IMAP', 'SMTP', 'SMTP'])
  const app = appFor(bundled)
  const net = parsePox((await postPox(app, outlookBody('carol@example.net'))).body)
  t.same(net.protocols.map(typeOf), ['IMAP', 'IMAP', 'SMTP', 'SMTP', 'CalDAV', 'CardDAV'])
  t.match(net.protocols[0], { Server: 'imap.example.net' })
  const exch = parsePox(
    (
      await postPox(
        appFor(
          baseConfig({
            defaults: {
              ...(baseConfig().defaults as object),
              exchange: { ewsUrl: exchange.ewsUrl, server: 'mx.test.example' },
            },
          }),
        ),
        outlookBody('bob@test.example'),
      )
    ).body,
  )
  t.match(exch.protocols[0], { Server: 'mx.test.example', OOFUrl: exchange.ewsUrl })
  t.equal(exch.protocols[0]?.OABUrl, undefined)
})

t.test('namespace prefixes, LegacyDN and every client body give the same settings', async (t) => {
  const app = appFor(bundled)
  const plain = await postPox(app, outlookBody('alice@example.com'))
  for (const body of [
    prefixedOutlookBody('alice@example.com'),
    thunderbirdBody('alice@example.com'),
    legacyDnBody('alice@example.com'),
    outlookBody('  alice@EXAMPLE.com  '),
  ]) {
    const res = await postPox(app, body)
    t.equal(res.body, plain.body)
  }
  const dnOnly = parsePox((await postPox(app, legacyDnBody())).body)
  t.equal(dnOnly.error?.code, '500', 'a legacy DN alone names no address we can resolve')
  t.equal(dnOnly.responseNs, OUTLOOK_SCHEMA)
  const dnAddress = legacyDnBody().replace(/<LegacyDN>[^<]*/, '<LegacyDN>alice@example.com')
  t.equal((await postPox(app, dnAddress)).body, plain.body, 'an address-like LegacyDN is used')
})

t.test('Thunderbird reading rules hold for every profile of the bundled config', async (t) => {
  const app = appFor(bundled)
  for (const address of ['alice@example.com', 'alice@example.org', 'carol@example.net']) {
    const res = await postPox(app, thunderbirdBody(address))
    t.same(poxViolations(res), [], address)
    const imap = parsePox(res.body).protocols.filter((p) => typeOf(p) === 'IMAP')
    // Encryption follows the configured security: tls → SSL, starttls → TLS.
    t.same(
      imap.map((p) => `${p.Port}:${p.Encryption}`),
      ['993:SSL', '143:TLS'],
    )
  }
})

t.test('ActiveSync devices get MobileSync, or error 601 where there is no ActiveSync', async (t) => {
  const app = appFor(bundled)
  const res = await postPox(app, activeSyncBody('alice@example.com'))
  t.equal(res.statusCode, 200)
  const doc = parseXml(res.body)
  t.equal(at(doc, 'Autodiscover', '@xmlns'), RESPONSE_NS)
  t.same(at(doc, 'Autodiscover', 'Response'), {
    '@xmlns': MOBILESYNC_SCHEMA,
    Culture: 'en:us',
    User: { DisplayName: 'alice@example.com', EMailAddress: 'alice@example.com' },
    Action: {
      Settings: {
        Server: {
          Type: 'MobileSync',
          Url: 'https://outlook.example.com/Microsoft-Server-ActiveSync',
          Name: 'https://outlook.example.com/Microsoft-Server-ActiveSync',
        },
      },
    },
  })
  const none = parsePox((await postPox(app, activeSyncBody('carol@example.net'))).body)
  t.equal(none.responseNs, MOBILESYNC_SCHEMA)
  t.equal(none.error?.code, '601')
})

t.test('an address with XML-special characters comes back escaped and parses', async (t) => {
  const app = appFor(bundled)
  const typed = `o'hara&"co"<x>@example.com`
  const escaped = typed
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
  const res = await postPox(app, outlookBody(escaped))
  t.same(poxViolations(res), [])
  const imap = parsePox(res.body).protocols.find((p) => typeOf(p) === 'IMAP')
  t.equal(imap?.LoginName, typed)
  t.ok(res.body.includes('o&apos;hara&amp;&quot;co&quot;&lt;x&gt;@example.com'))
  const mobile = await postPox(app, activeSyncBody(`a&#38;b@example.com`))
  t.equal(at(parseXml(mobile.body), 'Autodiscover', 'Response', 'User', 'EMailAddress'), 'a&b@example.com')
})
