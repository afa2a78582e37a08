import t from 'tap'
import { compileTemplate, fillTemplate, fillTemplateBytes } from '../src/render/template.js'
import { el, escapeXml, renderXmlDocument } from '../src/render/xml.js'
import { parseXml } from './helpers/xml.js'

t.test('escaping covers the five specials and drops characters XML cannot carry', async (t) => {
  t.equal(escapeXml(`a&b<c>d"e'f`), 'a&amp;b&lt;c&gt;d&quot;e&apos;f')
  t.equal(escapeXml('x\u0001y\uffffz'), 'x\ufffdy\ufffdz')
  // As references, so parsers do not turn them into spaces in attribute values (issue 5).
  t.equal(escapeXml('tab\tnewline\ncr\r'), 'tab&#9;newline&#10;cr&#13;')
})

t.test('documents: declaration first, optional doctype, empty and skipped children', async (t) => {
  const text = renderXmlDocument(
    el('root', [el('empty'), undefined, false, el('v', '1 & 2', { a: '"q"' })]),
    '<!DOCTYPE root>',
  )
  t.equal(
    text,
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE root>\n<root>\n  <empty/>\n  <v a="&quot;q&quot;">1 &amp; 2</v>\n</root>\n',
  )
  t.equal(renderXmlDocument(el('solo')), '<?xml version="1.0" encoding="UTF-8"?>\n<solo/>\n')
})

t.test('a compiled template fills to exactly what the renderer gives', async (t) => {
  const render = (id: { address: string; localPart: string; domain: string }) =>
    renderXmlDocument(
      el('r', [el('a', id.address), el('l', `x-${id.localPart}`), el('d', id.domain, { at: id.domain })]),
    )
  const template = compileTemplate(render, escapeXml)
  t.equal(template.slotFields.length, 4)
  for (const identity of [
    { address: 'a@b.example', localPart: 'a', domain: 'b.example' },
    { address: `o'b&<x>@b.example`, localPart: `o'b&<x>`, domain: 'b.example' },
    { address: 'Ünïcødé@bücher.example', localPart: 'Ünïcødé', domain: 'bücher.example' },
    // One value beyond ASCII beside ASCII ones, a character outside the BMP, and a lone surrogate.
    { address: 'ü@b.example', localPart: 'ü', domain: 'b.example' },
    { address: '\u{1f4e7}@b.example', localPart: '\u{1f4e7}', domain: 'b.example' },
    { address: 'x\ud800@b.example', localPart: 'x\ud800', domain: 'b.example' },
  ]) {
    const filled = fillTemplate(template, identity)
    t.equal(filled, render(identity))
    t.same(fillTemplateBytes(template, identity), Buffer.from(filled), 'the same bytes, encoded part by part')
    t.equal((parseXml(filled).r as Record<string, string>).a, identity.address)
  }
})

t.test('a rendered value that imitates a marker is refused, not filled in the wrong place', async (t) => {
  t.throws(
    () => compileTemplate((id) => `<a>${id.address}\ue0009\ue001</a>`, escapeXml),
    /imitates a template marker/,
  )
})
