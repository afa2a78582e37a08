// Issue 5: the address parser against hostile input: RFC 5321 lengths, controls, IDN, odd shapes.
import fc from 'fast-check'
import t from 'tap'
import { parseAddress } from '../src/common/address.js'

const ok = (raw: string) => {
  const result = parseAddress(raw)
  return result.ok ? result.value : undefined
}
// Labels in TAP output must stay on one line: show every non-ASCII character as \uXXXX.
const label = (raw: string) =>
  raw.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
const reason = (raw: string) => {
  const result = parseAddress(raw)
  return result.ok ? undefined : result.reason
}

t.test('RFC 5321 lengths, counted in octets', async (t) => {
  t.ok(ok(`${'a'.repeat(64)}@test.example`), '64-octet local part')
  t.match(reason(`${'a'.repeat(65)}@test.example`), /64 bytes/)
  t.match(reason(`${'ü'.repeat(33)}@test.example`), /64 bytes/, '33 two-octet characters are 66 octets')
  t.ok(ok(`${'ü'.repeat(32)}@test.example`))
  const label = 'a'.repeat(63)
  const domain = `${label}.${label}.${label}.${'b'.repeat(57)}` // 249 octets
  t.equal(domain.length, 249)
  t.ok(ok(`abcd@${domain}`), '254 octets in all')
  t.match(reason(`abcde@${domain}`), /too long/)
  t.match(reason(`a@${'b'.repeat(2000)}`), /too long/, 'a huge input is refused before any work on it')
})

t.test('controls, whitespace and separators are refused', async (t) => {
  for (const raw of [
    'a b@test.example',
    'a\tb@test.example',
    'a\u0000@test.example',
    'a@test.example\r\n',
    'a\u007f@test.example',
    'a\u0085@test.example',
    'a\u2028@test.example',
    'a\u00a0b@test.example',
    'a\u3000@test.example',
  ]) {
    t.match(reason(raw), /spaces or control characters/, label(raw))
  }
  for (const raw of [
    '',
    '@',
    'a@',
    '@test.example',
    'test.example',
    'a@-test.example',
    'a@test..example',
    'a@test_example.com',
    'a@[127.0.0.1]',
    'a@test.example/x',
    'a@%74est.example',
    'a@test.example?x',
    'a@test.example#x',
    'a@b\\test.example',
    'a@test.example:25',
  ]) {
    t.ok(reason(raw), `refused: ${label(raw)}`)
  }
})

t.test('internationalised domains are normalised; local parts keep their case', async (t) => {
  t.same(ok('Alice@Bücher.Example'), {
    address: 'Alice@xn--bcher-kva.example',
    localPart: 'Alice',
    domain: 'xn--bcher-kva.example',
  })
  t.equal(
    ok('a@XN--BCHER-KVA.example.')?.domain,
    'xn--bcher-kva.example',
    'A-label, upper case, trailing dot',
  )
  t.equal(ok('a@ＴＥＳＴ.example')?.domain, 'test.example', 'full-width letters fold (UTS #46)')
  t.equal(ok('"a@b"@test.example')?.localPart, '"a@b"', 'the last @ separates the domain')
  t.equal(ok('用户@test.example')?.localPart, '用户', 'SMTPUTF8 local parts')
})

t.test('property: parsing is total, and what it accepts is clean and within limits', async (t) => {
  await fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.boolean(), (local, withDomain) => {
      const raw = withDomain ? `${local}@test.example` : local
      const result = parseAddress(raw)
      if (!result.ok) return typeof result.reason === 'string' && !result.reason.includes('\n')
      const { address, localPart, domain } = result.value
      return (
        Buffer.byteLength(localPart) <= 64 &&
        Buffer.byteLength(address) <= 254 &&
        !/[\u0000-\u0020\u007f-\u009f\s]/.test(address) &&
        /^[a-z0-9.-]+$/.test(domain) &&
        address === `${localPart}@${domain}`
      )
    }),
    { numRuns: 2000 },
  )
  t.pass('property held')
})
