// Log lines handed to the output in blocks. sonic-boom (pino's destination, 4.2) measures the UTF-8
// length of its pending text (up to 16 KiB) on every write, so with 8 KiB kept back each line cost a
// copy and a scan of the text before it: about 7 µs of an autoconfig request's ~70 under load (issue 9,
// measured by switching the line off). Here lines are only appended to one string, and sonic-boom gets
// a block at a time, so it measures once per block and starts writing it at once.
import type { DestinationStream } from 'pino'

/** What a batch needs of pino's sonic-boom destination. */
export interface LineTarget {
  write(text: string): unknown
  flush(callback?: (error?: Error) => void): void
  flushSync(): void
  readonly destroyed?: boolean
}

export interface LineBatchOptions {
  /** Characters gathered before they are handed over. */
  readonly size: number
  /** A quiet service still shows each line within this time. */
  readonly flushEveryMs: number
}

export class LineBatch implements DestinationStream {
  #text = ''
  readonly #target: LineTarget
  readonly #size: number

  constructor(target: LineTarget, options: LineBatchOptions) {
    this.#target = target
    this.#size = options.size
    setInterval(() => this.#handOver(), options.flushEveryMs).unref()
  }

  write(line: string): void {
    this.#text += line
    if (this.#text.length >= this.#size) this.#handOver()
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
   * what it holds, except a block already being written by libuv's thread pool, which completes on
   * its own (a `process.exit()`, an uncaught exception and a fatal line lost nothing: test/line-batch).
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
    if (this.#text === '') return
    const text = this.#text
    this.#text = ''
    // Once pino has ended the output at exit, later lines have nowhere to go; they must not pile up.
    if (!this.#target.destroyed) this.#target.write(text)
  }
}
