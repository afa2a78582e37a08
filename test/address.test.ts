import t from 'tap'
import { parseAddress } from '../src/common/address.js'
import { displayDomain, normalizeDomain } from '../src/common/domain-name.js'

t.test('valid addresses: domain lower-cased and in ASCII, local part kept as typed', async (t) => {
  t.same(parseAddress('Alice@Example.COM'), {
    ok: true,
    value: { address: 'Alice@example.com', localPart: 'Alice', domain: 'example.com' },
  })
  t.same(parseAddress("o'brien&co@bücher.example"), {
    ok: true,
    value: {
      address: "o'brien&co@xn--bcher-kva.example",
      localPart: "o'brien&co",
      domain: 'xn--bcher-kva.example',
    },
  })
  t.equal(
    (parseAddress('a@b@example.com') as { ok: true; value: { localPart: string } }).value.localPart,
    'a@b',
    'last @ splits',
  )
  t.ok(parseAddress(`${'a'.repeat(64)}@example.com`).ok, '64-octet local part')
})

t.test('malformed addresses give a one-line reason', async (t) => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['alice', /name@domain/],
    ['@example.com', /name@domain/],
    ['alice@', /name@domain/],
    ['al ice@example.com', /spaces or control/],
    ['alice\u0000@example.com', /spaces or control/],
    ['alice\u0085@example.com', /spaces or control/],
    ['alice@exa mple.com', /spaces or control/],
    [`${'a'.repeat(65)}@example.com`, /64 bytes/],
    [`${'é'.repeat(33)}@example.com`, /64 bytes/],
    ['alice@-bad-.example', /not a valid domain/],
    ['alice@ex_ample.com', /not a valid domain/],
    [`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(60)}`, /too long/],
    ['x'.repeat(2000), /too long/],
  ]
  for (const [input, reason] of cases) {
    const result = parseAddress(input)
    t.equal(result.ok, false, JSON.stringify(input).slice(0, 40))
    if (!result.ok) {
      t.match(result.reason, reason)
      t.notMatch(result.reason, /\n/)
    }
  }
})

t.test('domain names', async (t) => {
  t.equal(normalizeDomain('Example.COM.'), 'example.com')
  t.equal(normalizeDomain('münchen.example'), 'xn--mnchen-3ya.example')
  t.equal(normalizeDomain(''), undefined)
  t.equal(normalizeDomain('a'.repeat(256)), undefined)
  t.equal(normalizeDomain(`${'a'.repeat(64)}.example`), undefined)
  t.equal(normalizeDomain(`${'abcdefghi.'.repeat(26)}com`), undefined, 'over 253 octets')
  t.equal(normalizeDomain('xn--zz.example'), undefined, 'invalid punycode')
  t.equal(displayDomain('xn--mnchen-3ya.example'), 'münchen.example')
  t.equal(displayDomain('example.com'), 'example.com')
  t.equal(displayDomain('xn--zz.example'), 'xn--zz.example', 'undecodable names stay as they are')
})
