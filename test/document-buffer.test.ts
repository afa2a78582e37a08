// Filled documents share slabs of memory: each must still be its own bytes, whatever is filled after it.
import t from 'tap'
import { allocateDocument } from '../src/render/document-buffer.js'

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

t.test('a document larger than a slab would carve gets memory of its own', async (t) => {
  const large = allocateDocument(40_000)
  t.equal(large.length, 40_000)
  large.fill(7)
  const next = allocateDocument(100)
  next.fill(9)
  t.ok(
    large.every((byte) => byte === 7),
    'filling the next document leaves it alone',
  )
  t.not(large.buffer, next.buffer)
})
