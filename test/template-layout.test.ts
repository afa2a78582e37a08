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
    // Twice: the first may make the layout, the second uses it.
    t.same(fillTemplateBytes(template, id), expected, 'laid out, made')
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
  // Its own template: one taken by another test and never claimed would stay out (and be copied).
  const own = compileTemplate(render, escapeXml)
  const who = (name: string) => identity(name, 'one-at-a-time.example')
  const first = fillTemplateBytes(own, who('alice'))
  const layout = own.layouts?.get(lengthsOf(who('alice')))
  t.equal(first, layout?.bytes, 'the first answer is the layout itself')
  const unclaimed = fillTemplateBytes(own, who('carol'))
  t.not(unclaimed, first, 'while nobody has claimed it, another answer is a copy')
  const sending = { writableFinished: false }
  claimDocument(first, sending)
  const meanwhile = fillTemplateBytes(own, who('diana'))
  t.not(meanwhile, first, 'and a copy while it is being sent')
  t.same(first, Buffer.from(render(who('alice'))), 'the answer being sent keeps its own address')
  t.same(unclaimed, Buffer.from(render(who('carol'))))
  t.same(meanwhile, Buffer.from(render(who('diana'))))
  sending.writableFinished = true
  const next = fillTemplateBytes(own, who('ellen'))
  t.equal(next, first, 'once sent, the layout is the next answer')
  t.same(next, Buffer.from(render(who('ellen'))), 'with its own address over the last one')
  claimDocument(next, { writableFinished: true })
  t.equal(layout?.holder, undefined, 'a response that has finished when it claims is not kept')
  t.equal(fillTemplateBytes(own, who('frank')), first, 'and the next')
})

t.test('values beyond ASCII or too long, fills at load, and wide templates make no layout', async (t) => {
  const before = layoutUse().count
  const cases = [
    identity('jörg', 'no-layout.example'),
    identity('x'.repeat(MOST_LAID_OUT_LENGTH), 'no-layout.example'),
  ]
  for (const id of cases)
    t.same(fillTemplateBytes(template, id), Buffer.from(render(mapValues(id, escapeXml))))
  const atLoad = identity('%EMAILADDRESS%', 'at-load.example')
  t.same(fillTemplateBytes(template, atLoad, false), Buffer.from(render(atLoad)))
  t.equal(layoutUse().count, before, 'none made')

  const fields = ['a', 'b', 'c', 'd'] as const
  const wide = compileTemplateOf(
    fields,
    (v) => `${v.a}|${v.b}|${v.c}|${v.d}|${v.a}`,
    (text) => text,
  )
  t.equal(wide.layouts, undefined, 'four fields: not laid out')
  t.same(fillTemplateBytes(wide, { a: '1', b: '22', c: '333', d: '4444' }), Buffer.from('1|22|333|4444|1'))
  t.equal(layoutUse().count, before)
})

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
