// Filled documents share slabs of memory: each must still be its own bytes, whatever is filled after it.
import t from 'tap'
import { allocateDocument, LARGEST_CARVED, SLAB_BYTES } from '../src/render/document-buffer.js'
import { compileTemplate, fillTemplateBytes } from '../src/render/template.js'
import { escapeXml } from '../src/render/xml.js'

t.test('documents carved one after another never share a byte', async (t) => {
  const documents: Buffer[] = []
  // Enough to run through several slabs, with sizes that are not multiples of 8.
  for (let n = 0; n < 200; n++) {
    const document = allocateDocument(2_000 + (n % 13))
    document.fill(n % 251)
    documents.push(document)
  }
  documents.forEach((document, n) => {
    t.equal(document.length, 2_000 + (n % 13))
    if (!document.every((byte) => byte === n % 251)) t.fail(`document ${n} was overwritten`)
  })
  const regions = documents.map((d) => ({ buffer: d.buffer, start: d.byteOffset, end: d.byteOffset + d.length }))
  const overlapping = regions.filter((a, i) =>
    regions.some((b, j) => i !== j && a.buffer === b.buffer && a.start < b.end && b.start < a.end),
  )
  t.equal(overlapping.length, 0, 'no two documents overlap in memory')
  t.ok(new Set(regions.map((r) => r.buffer)).size > 1, 'more than one slab was used')
})

t.test('documents up to LARGEST_CARVED come from a slab, larger ones get memory of their own', async (t) => {
  t.equal(allocateDocument(LARGEST_CARVED).buffer.byteLength, SLAB_BYTES, 'the largest carved size')
  const large = allocateDocument(LARGEST_CARVED + 1)
  t.not(large.buffer.byteLength, SLAB_BYTES, 'one byte more is not carved')
  large.fill(7)
  const next = allocateDocument(100)
  next.fill(9)
  t.ok(
    large.every((byte) => byte === 7),
    'filling the next document leaves it alone',
  )
  t.not(large.buffer, next.buffer)
})

t.test('filled templates are carved too, each with its own address', async (t) => {
  const template = compileTemplate((id) => `<user>${id.address}</user><domain>${id.domain}</domain>`, escapeXml)
  const alice = fillTemplateBytes(template, { address: 'alice@example.com', localPart: 'alice', domain: 'example.com' })
  const bob = fillTemplateBytes(template, { address: 'bob@example.org', localPart: 'bob', domain: 'example.org' })
  t.equal(alice.toString(), '<user>alice@example.com</user><domain>example.com</domain>')
  t.equal(bob.toString(), '<user>bob@example.org</user><domain>example.org</domain>')
  t.equal(alice.buffer.byteLength, SLAB_BYTES, 'from a slab')
})
