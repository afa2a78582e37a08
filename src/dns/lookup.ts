// DNS lookups for the doctor: one node:dns Resolver (c-ares) with a timeout on every query, pointed at
// `--resolver` when given, and answers folded into found / missing / failed so checks stay simple.
import { Resolver } from 'node:dns/promises'
import { isIP } from 'node:net'

export type Answer<T> =
  | { readonly kind: 'found'; readonly records: T[] }
  | { readonly kind: 'missing' }
  | { readonly kind: 'failed'; readonly code: string }

// NXDOMAIN and "no records of this type" both mean: not published.
const MISSING = new Set(['ENOTFOUND', 'ENODATA'])

export interface LookupOptions {
  /** `IP`, `IP:port` or `[IPv6]:port` (c-ares' own syntax); the system's resolvers when absent. */
  readonly server?: string | undefined
  /** Per try; c-ares makes `tries` attempts. */
  readonly timeoutMs: number
}

/** `IP`, `IP:port` or `[IPv6]:port` (as `--resolver` and `--connect` take them); undefined when invalid. */
export function parseAddressPort(raw: string, defaultPort: number) {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(raw)
  const v4 = /^([\d.]+)(?::(\d{1,5}))?$/.exec(raw)
  const [, address, port] = bracketed ?? v4 ?? [raw, raw, undefined]
  const number = port === undefined ? defaultPort : Number(port)
  if (address === undefined || isIP(address) === 0 || number < 1 || number > 65535) return undefined
  return { address, port: number }
}

export class Lookups {
  private readonly resolver: Resolver

  constructor(options: LookupOptions) {
    this.resolver = new Resolver({ timeout: options.timeoutMs, tries: 2 })
    if (options.server !== undefined) this.resolver.setServers([options.server])
  }

  private async ask<T>(query: () => Promise<T[]>): Promise<Answer<T>> {
    try {
      // c-ares reports "no records" as ENODATA, never as an empty list.
      return { kind: 'found', records: await query() }
    } catch (error) {
      const code = String((error as NodeJS.ErrnoException).code)
      return MISSING.has(code) ? { kind: 'missing' } : { kind: 'failed', code }
    }
  }

  cname(name: string) {
    return this.ask(() => this.resolver.resolveCname(name))
  }

  srv(name: string) {
    return this.ask(() => this.resolver.resolveSrv(name))
  }

  txt(name: string) {
    return this.ask(async () => (await this.resolver.resolveTxt(name)).map((chunks) => chunks.join('')))
  }

  mx(name: string) {
    return this.ask(() => this.resolver.resolveMx(name))
  }

  /** IPv4 and IPv6 addresses together; missing only when neither exists. */
  async addresses(name: string): Promise<Answer<string>> {
    const [v4, v6] = await Promise.all([
      this.ask(() => this.resolver.resolve4(name)),
      this.ask(() => this.resolver.resolve6(name)),
    ])
    const records = [v4, v6].flatMap((a) => (a.kind === 'found' ? a.records : []))
    if (records.length > 0) return { kind: 'found', records }
    return v4.kind === 'failed' ? v4 : v6
  }
}
