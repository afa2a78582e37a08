// `idleTimeoutMs`: a connection that moves no bytes for that long is closed, mainly against a client
// that asks and then never reads its answers (headersTimeout and requestTimeout cover slow senders).
// Node's own `server.setTimeout` does this with a timer per socket that it re-arms on every request: a
// new Timeout and a bound function, 0.5 µs of a ~16 µs autoconfig answer under load (issue 9, pinned
// alternating runs with it on and off). Instead, one sweep looks at every connection's byte counts a
// few times per timeout, as Node's `connectionsCheckingInterval` does for its request timeouts, so a
// request costs nothing. A sweep notices a byte moved by the next sweep after it, and closes a
// connection on the first sweep at least `idleTimeoutMs` after that: so between `idleTimeoutMs` and
// that plus two sweeps after its last byte.
import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { Server as TlsServer } from 'node:tls'

// A sweep at least every second, and none more often than the work deserves for very short timeouts.
const LONGEST_SWEEP_MS = 1000
const SHORTEST_SWEEP_MS = 10

/** What the sweep needs of a socket. */
export interface WatchedSocket {
  readonly bytesRead: number
  readonly bytesWritten: number
  readonly writableLength: number
  destroy(): void
}

interface Progress {
  /** Bytes received, and bytes the operating system has taken of what was written. */
  read: number
  sent: number
  /** When either last changed (performance.now). */
  since: number
}

// `bytesWritten` counts what was queued too, and `writableLength` what is queued and not yet taken:
// their difference moves only when the client actually receives, so a reader that stalls is idle.
const sentBy = (socket: WatchedSocket) => socket.bytesWritten - socket.writableLength

/** How often the sweep runs for a timeout: four times per timeout, within the bounds above. */
export function sweepInterval(idleTimeoutMs: number): number {
  return Math.min(LONGEST_SWEEP_MS, Math.max(SHORTEST_SWEEP_MS, Math.ceil(idleTimeoutMs / 4)))
}

/** The connections being watched and how far each had got at the last sweep. */
export class IdleWatch {
  readonly #watched = new Map<WatchedSocket, Progress>()
  readonly #idleTimeoutMs: number

  constructor(idleTimeoutMs: number) {
    this.#idleTimeoutMs = idleTimeoutMs
  }

  add(socket: WatchedSocket, now: number): void {
    this.#watched.set(socket, { read: socket.bytesRead, sent: sentBy(socket), since: now })
  }

  delete(socket: WatchedSocket): void {
    this.#watched.delete(socket)
  }

  /** Destroys every socket that has moved no byte for the timeout. */
  sweep(now: number): void {
    for (const [socket, progress] of this.#watched) {
      const read = socket.bytesRead
      const sent = sentBy(socket)
      if (read !== progress.read || sent !== progress.sent) {
        progress.read = read
        progress.sent = sent
        progress.since = now
      } else if (now - progress.since >= this.#idleTimeoutMs) socket.destroy()
    }
  }
}

/** Closes the server's connections once they have been idle for `idleTimeoutMs`. */
export function watchIdleConnections(server: Server, idleTimeoutMs: number): void {
  const watch = new IdleWatch(idleTimeoutMs)
  // An HTTPS server's connections are watched once the TLS handshake is done, like Node's timeout
  // (until then the TLS server's handshake timeout applies): the TCP socket under a TLS one does not
  // count what is written through it.
  const event = server instanceof TlsServer ? 'secureConnection' : 'connection'
  server.on(event, (socket: Socket) => {
    watch.add(socket, performance.now())
    socket.once('close', () => watch.delete(socket))
  })
  let timer: NodeJS.Timeout | undefined
  server.on('listening', () => {
    timer ??= setInterval(() => watch.sweep(performance.now()), sweepInterval(idleTimeoutMs)).unref()
  })
  server.on('close', () => {
    clearInterval(timer)
    timer = undefined
  })
}
