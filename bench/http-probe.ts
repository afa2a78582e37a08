import { request } from 'node:http'

export interface ProbeResult {
  readonly status: number
  readonly contentType: string
  readonly body: Buffer
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
            body: Buffer.concat(chunks),
          }),
        )
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}
