import t from 'tap'
import { MAX_REQUEST_BYTES, parseAutodiscoverRequest } from '../src/xml-input/parse-request.js'
import { OUTLOOK_SCHEMA, outlookBody } from './helpers/autodiscover-requests.js'

const parse = (text: string) => parseAutodiscoverRequest(Buffer.from(text))
const field = (value: string) =>
  `<Autodiscover><Request><EMailAddress>${value}</EMailAddress></Request></Autodiscover>`

t.test('reads the fields by local name, whatever the prefix and case', async (t) => {
  t.same(parse(outlookBody('alice@example.com')), {
    ok: true,
    request: { emailAddress: 'alice@example.com', acceptableResponseSchema: OUTLOOK_SCHEMA },
  })
  t.same(
    parse(
      '<x:autodiscover xmlns:x="u"><x:request><x:EmailAddress>a@b.example</x:EmailAddress></x:request></x:autodiscover>',
    ),
    {
      ok: true,
      request: { emailAddress: 'a@b.example' },
    },
  )
  const twice =
    '<Autodiscover><Request><EMailAddress>first@x.example</EMailAddress><EMailAddress>second@x.example</EMailAddress></Request></Autodiscover>'
  t.same(
    parse(twice),
    { ok: true, request: { emailAddress: 'first@x.example' } },
    'the first of repeated fields',
  )
  t.same(parse('<Autodiscover><Request/></Autodiscover>'), {
    ok: false,
    reason: 'no Autodiscover/Request element',
  })
})

t.test('character references are decoded by a fixed table; other entities are refused', async (t) => {
  t.same(parse(field('a&amp;b&lt;&gt;&quot;&apos;&#65;&#x42;@x.example')), {
    ok: true,
    request: { emailAddress: `a&b<>"'AB@x.example` },
  })
  t.same(parse(field('&#x110000;&#0;')), { ok: true, request: { emailAddress: '\ufffd\ufffd' } })
  t.same(parse(field('&custom;')), { ok: false, reason: 'a request field is not plain text' })
})

t.test('every refusal has a short reason that echoes nothing', async (t) => {
  const cases: [Buffer | undefined, string][] = [
    [undefined, 'empty body'],
    [Buffer.alloc(0), 'empty body'],
    [Buffer.alloc(MAX_REQUEST_BYTES + 1, 0x20), 'body too large'],
    [Buffer.from([0x3c, 0xc3, 0x28]), 'body is not UTF-8'],
    [Buffer.from('<!DOCTYPE x><x/>'), 'DTDs and entity declarations are refused'],
    [Buffer.from('<x><!ENTITY a "b"></x>'), 'DTDs and entity declarations are refused'],
    [Buffer.from('<x><y></x>'), 'body is not well-formed XML'],
    [Buffer.from(`${'<a>'.repeat(500)}${'</a>'.repeat(500)}`), 'body is not well-formed XML'],
    [Buffer.from('<Autodiscover>text</Autodiscover>'), 'no Autodiscover/Request element'],
    [Buffer.from('<Other><Request/></Other>'), 'no Autodiscover/Request element'],
    [Buffer.from(field('<b>x</b>')), 'a request field is not plain text'],
  ]
  for (const [body, reason] of cases) t.same(parseAutodiscoverRequest(body), { ok: false, reason })
})
