// The request line written straight into the log's block of bytes (line-batch.ts): built as one
// string, the line was a rope of its dozen pieces that V8 had to flatten and Node to encode. A whole
// line (level check and clock included) took 0.57 µs in a tight loop that way, 0.42 written piece by
// piece, and 0.19 from three prepared pieces (issue 9). Only text that JSON writes as is (printable
// ASCII without `"` and `\`) and non-negative whole numbers are written here; any other line is left
// to the caller's text path, so the two can never disagree on escaping.
import { Buffer } from 'node:buffer'
import { setBytes } from '../common/typed-array.js'
import type { LineBatch } from './line-batch.js'

// Number.MAX_SAFE_INTEGER has 16 digits.
const MOST_DIGITS = 16

/** Printable ASCII other than `"` and `\`: what JSON writes as is. */
const isPlainCode = (code: number) => code >= 0x20 && code <= 0x7e && code !== 0x22 && code !== 0x5c

/** Whether JSON writes `text` as is. */
export function isPlain(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isPlainCode(text.charCodeAt(i))) return false
  return true
}

/** Writes `text` at `at` if JSON writes it as is; returns the end, or -1 without a usable write. */
function writePlain(block: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (!isPlainCode(code)) return -1
    block[at + i] = code
  }
  return at + text.length
}

/** Writes a non-negative whole number's digits at `at`; returns the end, or -1 for any other number. */
function writeWhole(block: Buffer, at: number, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) return -1
  // Durations: small integers, whose digits integer arithmetic gives faster than String().
  if (value >= 2 ** 31) return writePlain(block, at, String(value))
  let digits = 1
  for (let rest = value; rest >= 10; rest = (rest / 10) | 0) digits++
  for (let i = at + digits - 1, rest = value; i >= at; i--, rest = (rest / 10) | 0)
    block[i] = 48 + (rest % 10)
  return at + digits
}

function writeBytes(block: Buffer, at: number, bytes: Buffer): number {
  setBytes.call(block, bytes, at)
  return at + bytes.length
}

export interface LineValues {
  readonly reqId: string
  readonly method: string
  readonly path: string
  readonly status: number
  readonly ms: number
}

/** A line's text from the end of its reqId to its ms, for one method, path and status. */
interface Middle {
  readonly method: string
  readonly status: number
  readonly bytes: Buffer
}

// Logged paths are a route's, or for other requests whatever was asked (without query or address):
// the entries are bounded, and emptied when full.
const MOST_MIDDLES = 256

/**
 * Writes request lines for one logger (its level and bindings) into a batch's block, as three pieces
 * of prepared bytes around the reqId and the ms: nearly all of a line is the same for every request of
 * a route within one millisecond, and each piece written cost a call (issue 9).
 */
export class LineInPlace {
  readonly #level: number
  readonly #bindings: string
  readonly #tail = Buffer.from(',"msg":"request"}\n')
  // `{"level":30,"time":…,"reqId":"` for the current millisecond: a time in ms is a 13-digit number
  // beyond V8's small integers, 0.15 µs to turn into text, and under load dozens of lines share it.
  #time = -1
  #head = Buffer.alloc(0)
  // Per path: `","method":"GET","path":"/…","status":200,"ms":`.
  readonly #middles = new Map<string, Middle>()

  constructor(level: number, bindings: string) {
    this.#level = level
    this.#bindings = bindings
  }

  /**
   * Writes the line into the batch's block and returns true, or returns false having committed nothing
   * (the block may have been handed over, and bytes past the batch's end written and then left).
   */
  write(batch: LineBatch, time: number, line: LineValues): boolean {
    if (!Number.isSafeInteger(time) || time < 0) return false
    const middle = this.#middle(line)
    if (middle === undefined) return false
    if (time !== this.#time) {
      this.#time = time
      this.#head = Buffer.from(`{"level":${this.#level},"time":${time}${this.#bindings},"reqId":"`)
    }
    const head = this.#head
    const { reqId } = line
    // The reqId and the ms are one byte a code unit (plain text, digits) when written here at all.
    const most = head.length + reqId.length + middle.bytes.length + MOST_DIGITS + this.#tail.length
    const start = batch.reserve(most)
    if (start === -1) return false
    const block = batch.block
    let at = writePlain(block, writeBytes(block, start, head), reqId)
    if (at !== -1) at = writeWhole(block, writeBytes(block, at, middle.bytes), line.ms)
    if (at === -1) return false
    batch.commit(writeBytes(block, at, this.#tail))
    return true
  }

  /** The prepared middle for the line's method, path and status; undefined when they need escaping. */
  #middle(line: LineValues): Middle | undefined {
    const { method, path, status } = line
    const known = this.#middles.get(path)
    if (known !== undefined && known.method === method && known.status === status) return known
    if (!isPlain(method) || !isPlain(path) || !Number.isSafeInteger(status) || status < 0) return undefined
    if (this.#middles.size >= MOST_MIDDLES) this.#middles.clear()
    const text = `","method":"${method}","path":"${path}","status":${status},"ms":`
    const middle = { method, status, bytes: Buffer.from(text) }
    this.#middles.set(path, middle)
    return middle
  }
}
