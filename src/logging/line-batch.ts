// Log lines handed to the output in blocks. sonic-boom (pino's destination, 4.2) measures the UTF-8
// length of its pending text (up to 16 KiB) on every write, so with 8 KiB kept back each line cost a
// copy and a scan of the text before it: about 7 µs of an autoconfig request's ~70 under load (issue 9,
// measured by switching the line off). Here sonic-boom gets a block at a time, so it starts writing it
// at once. Each line is copied into the block's bytes as it comes: gathered as one string, the lines
// (each a rope of its pieces, by then in older memory) were joined only when the block was handed
// over, which cost a POX request about 2.6 % of its time under load (perf); as bytes, CPU per request
// went 14.1 → 13.7 µs for a Host-only autoconfig request and 20.4 → 19.7 for POX (eight alternating
// pinned rounds; bare server 10.6 / 11.7). Handing over a copy of the bytes rather than the block
// itself (see `#block`) measured the same within noise: 13.8 / 20.6 against 14.1 / 19.9.
import { Buffer } from 'node:buffer'
import type { DestinationStream } from 'pino'

/** What a batch needs of pino's sonic-boom destination (with `contentMode: 'buffer'`). */
export interface LineTarget {
  write(block: Buffer): unknown
  flush(callback?: (error?: Error) => void): void
  flushSync(): void
  readonly destroyed?: boolean
}

// A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair, two units, takes 4).
const MAX_BYTES_PER_UNIT = 3

export interface LineBatchOptions {
  /** Bytes in a block: it is handed over when the next line might not fit. */
  readonly size: number
  /** A quiet service still shows each line within this time. */
  readonly flushEveryMs: number
}

export class LineBatch implements DestinationStream {
  // One block, used again: what is handed over is a copy of exactly the bytes used. sonic-boom counts
  // what it holds against its 16 MiB bound by length, and a view of the block would keep all 64 KiB
  // alive for the few lines a quiet service hands over every 200 ms (a stalled reader would then hold
  // gigabytes). Copying a full block costs a few µs per ~480 lines.
  readonly #block: Buffer
  #used = 0
  readonly #target: LineTarget
  readonly #size: number

  constructor(target: LineTarget, options: LineBatchOptions) {
    this.#target = target
    this.#size = options.size
    this.#block = Buffer.allocUnsafeSlow(options.size)
    setInterval(() => this.#handOver(), options.flushEveryMs).unref()
  }

  write(line: string): void {
    const most = line.length * MAX_BYTES_PER_UNIT
    if (this.#used + most > this.#size) {
      this.#handOver()
      // A line that might not fit in an empty block (a long error stack) goes out on its own, in its turn.
      if (most > this.#size) {
        this.#pass(Buffer.from(line))
        return
      }
    }
    this.#used += this.#block.write(line, this.#used)
  }

  /**
   * Where a line of at most `most` bytes may be written into `block` in place (line-in-place.ts), the
   * block handed over first if it might not fit; -1 for a line that could not fit even an empty block
   * (it must go through `write`). Nothing is handed over until `commit` says where the line ends, and
   * a line never committed is simply written over.
   */
  reserve(most: number): number {
    if (most > this.#size) return -1
    if (this.#used + most > this.#size) this.#handOver()
    return this.#used
  }

  get block(): Buffer {
    return this.#block
  }

  /** The line written in place from `reserve`'s offset ends at `end`. */
  commit(end: number): void {
    this.#used = end
  }

  /**
   * pino's `logger.flush()`: what is gathered goes out now. sonic-boom (with `minLength` 0) calls back
   * at once, when the text is on its way, not when it is written.
   */
  flush(callback?: (error?: Error) => void): void {
    this.#handOver()
    if (this.#target.destroyed) callback?.()
    else this.#target.flush(callback)
  }

  /**
   * pino calls this for a fatal line; `closeAtExit` at the process's end. sonic-boom writes on the spot
   * the blocks it queues, but not one it is already writing through libuv's thread pool, and the block
   * handed over here is such a one when sonic-boom was idle: that write completes on its own (a
   * `process.exit()`, an uncaught exception and a fatal line lost nothing: test/line-batch), unless
   * the output takes only part of it (a full non-blocking pipe), when the rest is lost at exit.
   */
  flushSync(): void {
    this.#handOver()
    if (!this.#target.destroyed) this.#target.flushSync()
  }

  /**
   * Lines still gathered when the event loop empties go out while it can still write them, and
   * whatever is left at `exit` (also after `process.exit()`) is handed over with `flushSync`.
   */
  closeAtExit(): void {
    process.once('beforeExit', () => this.#handOver())
    process.once('exit', () => this.flushSync())
  }

  #handOver(): void {
    if (this.#used === 0) return
    const block = Buffer.allocUnsafeSlow(this.#used)
    this.#block.copy(block, 0, 0, this.#used)
    this.#used = 0
    this.#pass(block)
  }

  #pass(block: Buffer): void {
    // Once pino has ended the output at exit, later lines have nowhere to go; they must not pile up.
    if (!this.#target.destroyed) this.#target.write(block)
  }
}
