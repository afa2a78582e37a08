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
// used a moment ago (a tight loop). Only a slab whose every document was claimed (`claimDocument`,
// by the direct lane and by Fastify's `sendAnswer`) by a response that has since finished, or
// released (`releaseDocument`), is reused; a document nobody claimed (one dropped after an error)
// keeps its slab out of reuse for good, and garbage collection frees it as before.
// Claims are not counted by the caller: whatever keeps `writableFinished` false (a partial write
// libuv still holds, a pipelined answer waiting in Node, a socket being torn down) keeps the slab.

// Buffer imported here and in every module that uses it: Node's global `Buffer` is a getter, run on
// each use, about 40 ns of a fill under load (perf, issue 9).
import { Buffer } from 'node:buffer'

export const SLAB_BYTES = 32 * 1024
// Larger documents (big POX answers, unusual profiles) are rare enough to get their own memory.
export const LARGEST_CARVED = 8 * 1024
// Slabs waiting to be reused, besides the one being carved: 256 KiB, about 90 autoconfig documents,
// far more than are in flight at once under 50 connections.
export const REUSED_SLABS = 8

/** What holds a document's bytes until they are sent: a ServerResponse. */
export interface DocumentHolder {
  /**
   * Node's `writableFinished`: every byte handed to the operating system (or a write libuv cancelled
   * with its socket). A response ended after its socket was destroyed never finishes.
   */
  readonly writableFinished: boolean
}

interface Slab {
  /** The slab's own memory (nothing else shares it). */
  readonly memory: ArrayBuffer
  used: number
  /** Documents carved and not (yet) claimed. */
  unclaimed: number
  readonly holders: DocumentHolder[]
  /** The document carved last, until it is claimed. */
  last: Buffer | undefined
}

let current: Slab | undefined
const retired: Slab[] = []

function isFree(slab: Slab): boolean {
  if (slab.unclaimed !== 0) return false
  for (const holder of slab.holders) if (!holder.writableFinished) return false
  return true
}

/** Forgets responses that have finished: a retired slab should not keep them (and their requests) alive. */
function retire(slab: Slab): void {
  let kept = 0
  for (const holder of slab.holders) if (!holder.writableFinished) slab.holders[kept++] = holder
  slab.holders.length = kept
  retired.push(slab)
}

/** The oldest retired slab if nothing in it is still being sent, else new memory. */
function nextSlab(): Slab {
  if (current !== undefined) retire(current)
  const oldest = retired.length > REUSED_SLABS ? retired.shift() : undefined
  if (oldest !== undefined && isFree(oldest)) {
    oldest.used = 0
    oldest.holders.length = 0
    return oldest
  }
  // Its own ArrayBuffer, left uninitialised (a `new ArrayBuffer` would be zeroed first).
  const memory = Buffer.allocUnsafeSlow(SLAB_BYTES).buffer
  return { memory, used: 0, unclaimed: 0, holders: [], last: undefined }
}

/**
 * Uninitialised memory of exactly `size` bytes, for the caller to fill completely, for one answer:
 * whoever keeps a document beyond its answer must copy it (state/address-free-documents.ts does).
 */
export function allocateDocument(size: number): Buffer {
  // An empty document would start where the next one does, and a claim could not tell them apart.
  if (size === 0 || size > LARGEST_CARVED) return Buffer.allocUnsafe(size)
  if (current === undefined || current.used + size > SLAB_BYTES) current = nextSlab()
  // A view made directly: `subarray` looks up the Buffer's species constructor on every call, and
  // under load that lookup and the view cost 0.16 µs of a request (perf, issue 9).
  const document = Buffer.from(current.memory, current.used, size)
  current.last = document
  current.unclaimed++
  // Aligned as Node's own pool aligns its buffers.
  current.used += (size + 7) & ~7
  return document
}

/**
 * A buffer that is one answer at a time, written afresh for the next (a template's layout): taken
 * for an answer only once whoever sent the last one has finished, as a slab is reused.
 */
export interface Reusable {
  readonly bytes: Buffer
  /** Who sends its bytes now: undefined for nobody yet, null while taken and not (yet) claimed. */
  holder: DocumentHolder | null | undefined
}

// The reusable taken last, until it is claimed. One taken and never claimed is never taken again:
// its owner replaces it (template.ts).
let taken: Reusable | undefined

/** Takes `reusable` for an answer and returns true, or false while its last answer is being sent. */
export function takeReusable(reusable: Reusable): boolean {
  const { holder } = reusable
  if (holder === null || (holder !== undefined && !holder.writableFinished)) return false
  reusable.holder = null
  taken = reusable
  return true
}

/**
 * Tells the slab that `holder` now sends `document` (call it after handing the document to the
 * response): the slab may be reused once `holder` has finished. Only the document carved last, and
 * only once, can be claimed; a claim on anything else (a document carved before another, or claimed
 * already) is ignored and leaves that document's slab out of reuse, and one on memory not carved from
 * a slab is ignored. The same for a reusable's bytes, taken last.
 */
export function claimDocument(document: Buffer, holder: DocumentHolder): void {
  if (taken !== undefined && taken.bytes === document) {
    // As for slabs: a response that has finished already (nearly all) is not kept, nor its request.
    taken.holder = holder.writableFinished ? undefined : holder
    taken = undefined
    return
  }
  const slab = current
  // The very object carved last: no lookups of `buffer` or `byteOffset` (issue 9).
  if (slab === undefined || slab.last !== document) return
  slab.last = undefined
  slab.unclaimed--
  // Nearly every answer is in the operating system's hands by now: only one still being sent is kept,
  // rather than every response (and its request) until its slab is next looked at.
  if (!holder.writableFinished) slab.holders.push(holder)
}

const COPIED: DocumentHolder = { writableFinished: true }

/** For a document that was copied and is no longer needed: its slab need not wait for it. */
export function releaseDocument(document: Buffer): void {
  claimDocument(document, COPIED)
}
