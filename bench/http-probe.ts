import { request } from 'node:http'

export interface ProbeResult {
  readonly status: number
  readonly contentType: string
  /** The answer's own headers: without those Node writes for any response (date, connection, length). */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
}

const NODE_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'])

function ownHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const own: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers))
    if (!NODE_HEADERS.has(name) && value !== undefined) own[name] = String(value)
  return own
}

/** One request with full control of headers (fetch will not send a custom Host). */
export function probe(
  base: string,
  options: { method: string; path: string; headers: Readonly<Record<string, string>>; body?: string },
): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(options.path, base),
      { method: options.method, headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            headers: ownHeaders(res.headers),
            body: Buffer.concat(chunks),
          }),
        )
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}
