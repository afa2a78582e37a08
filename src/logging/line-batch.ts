// Log lines handed to the output in blocks. sonic-boom (pino's destination, 4.2) measures the UTF-8
// length of its whole pending text on every write, so with 8 KiB kept back each line cost a copy and
// a scan of the text before it: about 7 µs of an autoconfig request's ~70 under load (issue 9,
// measured by switching the line off). Here lines are only appended to one string, and sonic-boom gets
// a block at a time, so it measures once per block.
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

  /** pino's `logger.flush()`: what is gathered goes out now. */
  flush(callback?: (error?: Error) => void): void {
    this.#handOver()
    if (this.#target.destroyed) callback?.()
    else this.#target.flush(callback)
  }

  /** pino calls this for a fatal line; `closeAtExit` at the process's end. */
  flushSync(): void {
    this.#handOver()
    if (!this.#target.destroyed) this.#target.flushSync()
  }

  /**
   * Lines still gathered when the event loop empties go out while it can still write them, and
   * whatever is left at `exit` (also after `process.exit()`) is written synchronously.
   */
  closeAtExit(): void {
    process.once('beforeExit', () => this.#handOver())
    process.once('exit', () => this.flushSync())
  }

  #handOver(): void {
    if (this.#text === '' || this.#target.destroyed) return
    const text = this.#text
    this.#text = ''
    this.#target.write(text)
  }
}
