// Where a filled document's bytes live. Buffer.allocUnsafe serves a 2.7 KiB autoconfig document from
// Node's 8 KiB pool, so every third answer allocated a new ArrayBuffer for garbage collection to free
// later (issue 9). Carved from 32 KiB slabs instead, an allocation cost 0.22 µs instead of 0.60 in a
// tight loop; larger slabs saved little more, and an answer still held (a client that does not read)
// keeps its whole slab alive: at most four times what Node's pool would keep.
// Documents are never written to once filled, so sharing a slab is safe. A document's `.buffer` is the
// whole slab, other answers included: hand on the Buffer itself, never its ArrayBuffer.
//
// Slabs are also used again once every answer carved from them has been sent. A new slab is memory the
// CPU has not touched lately, and copying a document into it cost 0.5 µs against 0.17 µs into memory
// used a moment ago (a tight loop; under load the difference is larger). Only a slab whose every
// document was claimed (`claimDocument`) by a response that has since finished is reused; a document
// nobody claimed (one sent by Fastify, or dropped) keeps its slab out of reuse for good, and
// garbage collection frees it as before.
export const SLAB_BYTES = 32 * 1024
// Larger documents (big POX answers, unusual profiles) are rare enough to get their own memory.
export const LARGEST_CARVED = 8 * 1024
// Slabs waiting to be reused: 256 KiB, about 90 autoconfig documents, far more than are in flight at
// once under 50 connections.
export const REUSED_SLABS = 8

/** What holds a document's bytes until they are sent: a ServerResponse. */
export interface DocumentHolder {
  /** Node's `writableFinished`: every byte has been handed to the operating system. */
  readonly writableFinished: boolean
}

interface Slab {
  readonly memory: Buffer
  used: number
  /** Documents carved and not (yet) claimed. */
  unclaimed: number
  readonly holders: DocumentHolder[]
  /** Where the last document carved starts, and whether it has been claimed. */
  last: number
  lastClaimed: boolean
}

let current: Slab | undefined
const retired: Slab[] = []

function isFree(slab: Slab): boolean {
  if (slab.unclaimed !== 0) return false
  for (const holder of slab.holders) if (!holder.writableFinished) return false
  return true
}

/** The oldest retired slab if nothing in it is still being sent, else new memory. */
function nextSlab(): Slab {
  if (current !== undefined) retired.push(current)
  const oldest = retired.length > REUSED_SLABS ? retired.shift() : undefined
  if (oldest !== undefined && isFree(oldest)) {
    oldest.used = 0
    oldest.holders.length = 0
    return oldest
  }
  const memory = Buffer.allocUnsafeSlow(SLAB_BYTES)
  return { memory, used: 0, unclaimed: 0, holders: [], last: -1, lastClaimed: false }
}

/**
 * Uninitialised memory of exactly `size` bytes, for the caller to fill completely, for one answer:
 * whoever keeps a document beyond its answer must copy it (state/address-free-documents.ts does).
 */
export function allocateDocument(size: number): Buffer {
  if (size > LARGEST_CARVED) return Buffer.allocUnsafe(size)
  if (current === undefined || current.used + size > SLAB_BYTES) current = nextSlab()
  const document = current.memory.subarray(current.used, current.used + size)
  current.last = current.used
  current.lastClaimed = false
  current.unclaimed++
  // Aligned as Node's own pool aligns its buffers.
  current.used += (size + 7) & ~7
  return document
}

/**
 * Tells the slab that `holder` now sends `document` (call it after handing the document to the
 * response): the slab may be reused once `holder` has finished. Only the document carved last, and
 * only once, can be claimed; anything else (a document carved before another, claimed already, from
 * the per-domain store, or not carved at all) is left alone, and keeps its slab from being reused.
 */
export function claimDocument(document: Buffer, holder: DocumentHolder): void {
  const slab = current
  if (slab === undefined || slab.lastClaimed || document.buffer !== slab.memory.buffer) return
  if (document.byteOffset - slab.memory.byteOffset !== slab.last) return
  slab.lastClaimed = true
  slab.unclaimed--
  slab.holders.push(holder)
}
