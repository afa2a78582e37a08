import { Writable } from 'node:stream'

/** A stream that keeps everything the logger writes, for tests that read the logs of a run. */
export function captureLogs(): { stream: Writable; text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    },
  })
  return { stream, text: () => chunks.join('') }
}
