// The request line written straight into the log's block of bytes (line-batch.ts), piece by piece:
// built as one string, the line was a rope of its dozen pieces that V8 had to flatten and Node to
// encode. A whole line (level check and clock included) took 0.57 µs in a tight loop that way, 0.42
// this way (issue 9). Only text that JSON writes as is (printable ASCII without `"` and `\`) and
// non-negative whole numbers are written here; any other line is left to the caller's text path, so
// the two can never disagree on escaping.
import { Buffer } from 'node:buffer'
import type { LineBatch } from './line-batch.js'

// Number.MAX_SAFE_INTEGER has 16 digits.
const MOST_DIGITS = 16

/** Writes `text` at `at` if JSON writes it as is; returns the end, or -1 without a usable write. */
function writePlain(block: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code > 0x7e || code === 0x22 /* " */ || code === 0x5c /* \ */) return -1
    block[at + i] = code
  }
  return at + text.length
}

/** Writes a non-negative whole number's digits at `at`; returns the end, or -1 for any other number. */
function writeWhole(block: Buffer, at: number, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) return -1
  // Statuses and durations: small integers, whose digits integer arithmetic gives faster than String().
  if (value >= 2 ** 31) return writePlain(block, at, String(value))
  let digits = 1
  for (let rest = value; rest >= 10; rest = (rest / 10) | 0) digits++
  for (let i = at + digits - 1, rest = value; i >= at; i--, rest = (rest / 10) | 0)
    block[i] = 48 + (rest % 10)
  return at + digits
}

// Called on the block rather than looked up on it: `block.set` goes through V8's generic property
// lookup on Buffer's prototype chain (render/template.ts measured it).
const setBytes = Uint8Array.prototype.set

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

/** Writes request lines for one logger (its level and bindings) into a batch's block. */
export class LineInPlace {
  // The fixed text between the values, encoded once.
  readonly #head: Buffer
  readonly #afterTime: Buffer
  readonly #afterReqId: Buffer
  readonly #afterMethod: Buffer
  readonly #afterPath: Buffer
  readonly #afterStatus: Buffer
  readonly #tail: Buffer
  readonly #fixedLength: number
  // A time in ms is a 13-digit number beyond V8's small integers, and turning it into text cost
  // 0.15 µs; under load dozens of lines share each millisecond.
  #time = -1
  #timeDigits = ''

  constructor(level: number, bindings: string) {
    const texts = [
      `{"level":${level},"time":`,
      `${bindings},"reqId":"`,
      '","method":"',
      '","path":"',
      '","status":',
      ',"ms":',
      ',"msg":"request"}\n',
    ]
    const [head, afterTime, afterReqId, afterMethod, afterPath, afterStatus, tail] = texts.map((text) =>
      Buffer.from(text),
    ) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer]
    this.#head = head
    this.#afterTime = afterTime
    this.#afterReqId = afterReqId
    this.#afterMethod = afterMethod
    this.#afterPath = afterPath
    this.#afterStatus = afterStatus
    this.#tail = tail
    this.#fixedLength = texts.reduce((total, text) => total + Buffer.byteLength(text), 0)
  }

  /** Writes the line into the batch's block and returns true, or returns false having written nothing. */
  write(batch: LineBatch, time: number, line: LineValues): boolean {
    if (!Number.isSafeInteger(time) || time < 0) return false
    const { reqId, method, path } = line
    // Every byte written here is one code unit of plain text or a digit.
    const most = this.#fixedLength + reqId.length + method.length + path.length + 3 * MOST_DIGITS
    const start = batch.reserve(most)
    if (start === -1) return false
    if (time !== this.#time) {
      this.#time = time
      this.#timeDigits = String(time)
    }
    const block = batch.block
    let at = writePlain(block, writeBytes(block, start, this.#head), this.#timeDigits)
    at = writePlain(block, writeBytes(block, at, this.#afterTime), reqId)
    if (at !== -1) at = writePlain(block, writeBytes(block, at, this.#afterReqId), method)
    if (at !== -1) at = writePlain(block, writeBytes(block, at, this.#afterMethod), path)
    if (at !== -1) at = writeWhole(block, writeBytes(block, at, this.#afterPath), line.status)
    if (at !== -1) at = writeWhole(block, writeBytes(block, at, this.#afterStatus), line.ms)
    if (at === -1) return false
    batch.commit(writeBytes(block, at, this.#tail))
    return true
  }
}
