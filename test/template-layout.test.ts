import t from 'tap'
import { escapeXml } from '../src/render/xml.js'
import {
  compileTemplate,
  compileTemplateOf,
  fillTemplate,
  fillTemplateBytes,
} from '../src/render/template.js'
import { claimDocument } from '../src/render/document-buffer.js'
import { LAYOUT_BUDGET_BYTES, layoutUse, MOST_LAID_OUT_LENGTH } from '../src/render/template-layout.js'

interface Identity {
  address: string
  localPart: string
  domain: string
}

const identity = (localPart: string, domain: string): Identity => ({
  address: `${localPart}@${domain}`,
  localPart,
  domain,
})
const render = (id: Identity) =>
  `<?xml version="1.0"?>\n<r><d at="${id.domain}"/><u>${id.address}</u><u>${id.address}</u><x>${id.address}</x></r>\n`
const template = compileTemplate(render, escapeXml)
// The fields in the order they first appear (domain, then address), 10 bits each.
const lengthsOf = (id: Identity) => id.domain.length * 1024 + id.address.length

t.test('a laid-out fill gives the same bytes as the renderer, for values of every kind', async (t) => {
  let seed = 7
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % n
  }
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789.-_+&<>"\'üß€\u{1f4e7}'
  const word = (most: number) =>
    Array.from({ length: 1 + random(most) }, () => [...alphabet][random([...alphabet].length)]).join('')
  for (let i = 0; i < 300; i++) {
    const id = identity(word(i % 50 === 0 ? 1100 : 20), `${word(12)}.example`)
    const expected = Buffer.from(render({ ...id, ...mapValues(id, escapeXml) }))
    t.same(Buffer.from(fillTemplate(template, id)), expected)
    // Twice: the first may make the layout, the second (its answer sent) uses it again.
    const made = fillTemplateBytes(template, id)
    t.same(made, expected, 'laid out, made')
    claimDocument(made, { writableFinished: true })
    t.same(fillTemplateBytes(template, id), expected, 'laid out, used')
    t.same(fillTemplateBytes(template, id, false), expected, 'part by part')
  }
})

function mapValues(id: Identity, f: (text: string) => string): Identity {
  return { address: f(id.address), localPart: f(id.localPart), domain: f(id.domain) }
}

t.test('one layout per set of lengths, made of the parts at their places', async (t) => {
  const alice = identity('alice', 'layout-one.example')
  const carol = identity('carol', 'layout-one.example')
  const before = layoutUse().count
  t.same(fillTemplateBytes(template, alice), Buffer.from(render(alice)))
  t.equal(layoutUse().count, before + 1, 'made for the first address of these lengths')
  t.same(fillTemplateBytes(template, carol), Buffer.from(render(carol)))
  t.equal(layoutUse().count, before + 1, 'used again for another address of the same lengths')
  const layout = template.layouts?.get(lengthsOf(alice))
  if (layout === undefined) throw new Error('no layout kept')
  const text = render(alice)
  const first = text.indexOf('alice')
  const starts = [
    text.indexOf('layout-one'),
    first,
    text.indexOf('alice', first + 1),
    text.lastIndexOf('alice'),
  ]
  t.same([...layout.starts], starts, 'each value starts where the renderer puts it')
  t.equal(layout.bytes.length, Buffer.byteLength(text))
})

t.test('a layout is one answer at a time: taken again only once that answer has been sent', async (t) => {
  // Its own template, so that no other test's answers hold its layouts.
  const own = compileTemplate(render, escapeXml)
  const who = (name: string) => identity(name, 'one-at-a-time.example')
  const kept = () => own.layouts?.get(lengthsOf(who('alice')))?.bytes
  const first = fillTemplateBytes(own, who('alice'))
  t.equal(first, kept(), 'the first answer is the layout itself')
  const second = fillTemplateBytes(own, who('carol'))
  t.not(second, first, 'the first was never claimed: its layout is left to it')
  t.equal(second, kept(), 'and a new one takes its place')
  const sending = { writableFinished: false }
  claimDocument(second, sending)
  const meanwhile = fillTemplateBytes(own, who('diana'))
  t.not(meanwhile, second, 'a copy while the layout is being sent')
  t.equal(kept(), second, 'which keeps its place')
  sending.writableFinished = true
  const next = fillTemplateBytes(own, who('ellen'))
  t.equal(next, second, 'once sent, the layout is the next answer')
  for (const [answer, name] of [
    [first, 'alice'],
    [meanwhile, 'diana'],
    [next, 'ellen'],
  ] as const)
    t.same(answer, Buffer.from(render(who(name))), `${name}'s answer has ${name}'s address`)
  claimDocument(next, { writableFinished: true })
  t.equal(own.layouts?.get(lengthsOf(who('alice')))?.holder, undefined, 'a finished response is not kept')
  t.equal(fillTemplateBytes(own, who('frank')), second, 'and the next')
})

t.test(
  'values up to the longest laid out make layouts; longer ones, beyond ASCII, or kept do not',
  async (t) => {
    const domain = 'edge.example'
    // Addresses of exactly MOST_LAID_OUT_LENGTH bytes and one more.
    const longest = identity('x'.repeat(MOST_LAID_OUT_LENGTH - domain.length - 1), domain)
    const tooLong = identity('y'.repeat(MOST_LAID_OUT_LENGTH - domain.length), domain)
    t.equal(longest.address.length, MOST_LAID_OUT_LENGTH)
    const before = layoutUse().count
    t.same(fillTemplateBytes(template, longest), Buffer.from(render(longest)))
    t.equal(layoutUse().count, before + 1, 'the longest laid out')
    for (const id of [tooLong, identity('jörg', domain)])
      t.same(fillTemplateBytes(template, id), Buffer.from(render(mapValues(id, escapeXml))))
    const kept = identity('%EMAILADDRESS%', 'kept.example')
    t.same(fillTemplateBytes(template, kept, false), Buffer.from(render(kept)))
    t.equal(layoutUse().count, before + 1, 'one byte more, beyond ASCII, or kept: none made')

    const fields = ['a', 'b', 'c', 'd'] as const
    const wide = compileTemplateOf(
      fields,
      (v) => `${v.a}|${v.b}|${v.c}|${v.d}|${v.a}`,
      (text) => text,
    )
    t.equal(wide.layouts, undefined, 'four fields: not laid out')
    t.same(fillTemplateBytes(wide, { a: '1', b: '22', c: '333', d: '4444' }), Buffer.from('1|22|333|4444|1'))
    t.equal(layoutUse().count, before + 1)
  },
)

t.test('a template of many slots is filled right', async (t) => {
  const many = compileTemplate(
    (id) => Array.from({ length: 70 }, (_, i) => `${i}:${id.address}`).join(','),
    escapeXml,
  )
  const id = identity('many', 'slots.example')
  const expected = Buffer.from(Array.from({ length: 70 }, (_, i) => `${i}:${id.address}`).join(','))
  t.same(fillTemplateBytes(many, id, false), expected)
  t.same(fillTemplateBytes(many, id), expected)
})

t.test('layouts stay within their budget: past it they are all dropped and made again', async (t) => {
  const padded = (id: Identity) => `${'p'.repeat(4000)}${render(id)}`
  const big = compileTemplate(padded, escapeXml)
  let most = 0
  for (let length = 1; length <= 1000; length++) {
    const id = identity('b'.repeat(length), 'budget.example')
    t.same(fillTemplateBytes(big, id), Buffer.from(padded(id)))
    most = Math.max(most, layoutUse().bytes)
  }
  t.ok(most <= LAYOUT_BUDGET_BYTES, `at most the budget (${most} bytes)`)
  t.ok(layoutUse().bytes < most, 'dropped on the way')
  const id = identity('b', 'budget.example')
  t.same(fillTemplateBytes(big, id), Buffer.from(padded(id)), 'and made again')
})

t.test(
  'templates compiled again (a reload) start without layouts, and the old ones count until dropped',
  async (t) => {
    const again = compileTemplate(render, escapeXml)
    const alice = identity('alice', 'reload.example')
    fillTemplateBytes(template, alice)
    const before = layoutUse()
    t.equal(again.layouts?.size, 0)
    t.same(fillTemplateBytes(again, alice), Buffer.from(render(alice)))
    t.equal(again.layouts?.size, 1)
    t.equal(layoutUse().count, before.count + 1)
    t.equal(layoutUse().bytes, before.bytes + Buffer.byteLength(render(alice)))
  },
)
