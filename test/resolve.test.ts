import t from 'tap'
import { MailsetupError } from '../src/errors.js'
import { domainFromHost, resolveAccount, resolveAddress } from '../src/resolve/resolve-account.js'
import { baseConfig, loadConfig } from './helpers/settings.js'

const { settings } = loadConfig(
  baseConfig({ domains: [{ name: 'test.example', aliases: ['alias.example'] }] }),
)

t.test('hosts map to hosted domains', async (t) => {
  const domain = settings.domains[0]
  t.equal(domainFromHost(settings, 'test.example'), domain)
  t.equal(domainFromHost(settings, 'autoconfig.test.example:443'), domain)
  t.equal(domainFromHost(settings, 'AUTODISCOVER.ALIAS.EXAMPLE.'), domain)
  t.equal(domainFromHost(settings, 'www.test.example'), undefined)
  t.equal(domainFromHost(settings, '[::1]'), undefined)
  t.equal(domainFromHost(settings, ''), undefined)
})

t.test('resolving: the address wins over the host; errors are typed', async (t) => {
  const account = resolveAccount(settings, { address: 'Eve@Alias.Example', host: 'elsewhere.example' })
  t.same(account.identity, { address: 'Eve@alias.example', localPart: 'Eve', domain: 'alias.example' })
  t.equal(account.addressKnown, true)
  const byHost = resolveAccount(settings, { host: 'autoconfig.test.example' })
  t.same(byHost.identity, {
    address: '%EMAILADDRESS%',
    localPart: '%EMAILLOCALPART%',
    domain: 'test.example',
  })
  t.equal(byHost.addressKnown, false)
  t.throws(
    () => resolveAccount(settings, {}),
    new MailsetupError('unknown-domain', 'this domain is not hosted here'),
  )
  t.throws(
    () => resolveAddress(settings, 'nobody'),
    new MailsetupError('bad-address', 'the email address must look like name@domain'),
  )
  t.throws(
    () => resolveAddress(settings, 'a@elsewhere.example'),
    new MailsetupError('unknown-domain', 'this domain is not hosted here'),
  )
})

t.test('typed errors carry no stack trace, and leave the stack trace limit as it was', async (t) => {
  const before = Error.stackTraceLimit
  const error = new MailsetupError('unknown-domain', 'this domain is not hosted here')
  t.equal(error.stack?.includes('\n    at '), false)
  t.equal(Error.stackTraceLimit, before)
  t.match(new Error('other').stack, /\n\s+at /, 'other errors keep theirs')
})
