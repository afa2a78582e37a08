// What the doctor parses: `--resolver` / `--connect` values, and Autodiscover answers reduced to what
// Outlook acts on (action, redirect, protocols).
import t from 'tap'
import { parseAddressPort } from '../src/dns/lookup.js'
import { autodiscoverLines, autodiscoverProbe } from '../src/dns/service-probes.js'
import { createSnapshot } from '../src/state/snapshot.js'
import { baseConfig, loadConfig } from './helpers/settings.js'

t.test('--resolver and --connect take an IP with an optional port', async (t) => {
  t.same(parseAddressPort('127.0.0.1', 53), { address: '127.0.0.1', port: 53 })
  t.same(parseAddressPort('127.0.0.1:5353', 53), { address: '127.0.0.1', port: 5353 })
  t.same(parseAddressPort('[::1]:8443', 443), { address: '::1', port: 8443 })
  t.same(parseAddressPort('::1', 443), { address: '::1', port: 443 })
  for (const bad of ['example.com', '127.0.0.1:0', '127.0.0.1:70000', '[example]:53', '1.2.3:53', ''])
    t.equal(parseAddressPort(bad, 53), undefined, bad)
})

t.test('Autodiscover answers reduce to what Outlook acts on', async (t) => {
  const doc = (inner: string) =>
    `<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">${inner}</Response></Autodiscover>`
  t.same(autodiscoverLines(doc('<Error><ErrorCode>500</ErrorCode></Error>')), ['error 500'])
  t.same(
    autodiscoverLines(
      doc('<Account><Action>redirectAddr</Action><RedirectAddr>a@b.test</RedirectAddr></Account>'),
    ),
    ['action redirectAddr', 'redirect a@b.test'],
  )
  t.same(
    autodiscoverLines(
      doc(
        '<Account><Action>settings</Action><Protocol><Type>EXCH</Type><Server>ex.test</Server></Protocol><Protocol Type="mapiHttp" Version="1"><MailStore/></Protocol></Account>',
      ),
    ),
    ['action settings', 'EXCH ex.test', 'mapiHttp'],
  )
  t.same(autodiscoverLines(doc('')), undefined, 'an empty Response is not an answer')
  t.same(autodiscoverLines(doc('<Other/>')), undefined, 'nor one without Account or Error')
  t.equal(autodiscoverLines('<clientConfig/>'), undefined)
  t.equal(autodiscoverLines('<Autodiscover><Response>'), undefined, 'not well-formed')
  const elsewhere = baseConfig({
    domains: [
      {
        name: 'moved.test',
        redirectUrl: 'https://autodiscover.elsewhere.test/autodiscover/autodiscover.xml',
      },
    ],
  })
  const probe = autodiscoverProbe(createSnapshot(loadConfig(elsewhere)), 'moved.test')
  t.same(probe.expected, [
    'action redirectUrl',
    'redirect https://autodiscover.elsewhere.test/autodiscover/autodiscover.xml',
  ])
  t.match(probe.body, /<EMailAddress>mailsetup-doctor@moved\.test<\/EMailAddress>/)
})
