/** One registered route: its method and URL pattern as given to Fastify. */
export interface RouteEntry {
  readonly method: string
  readonly url: string
}

interface Pattern {
  readonly regex: RegExp
  readonly methods: Set<string>
}

/**
 * Fastify's URL pattern as a regular expression over the request path. Parameters match one segment
 * (their own regex, rarely used, is not honoured: this only chooses between 404 and 405), `*` the rest.
 */
function patternRegex(url: string, caseSensitive: boolean): RegExp {
  const source = url
    .split(/(::|:[A-Za-z0-9_-]+(?:\([^)]*\))?|\*)/)
    .map((piece, index) => {
      if (index % 2 === 0) return piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      if (piece === '::') return ':'
      return piece === '*' ? '.*' : '[^/]+'
    })
    .join('')
  return new RegExp(`^${source}$`, caseSensitive ? '' : 'i')
}

/**
 * Every route the app has, collected from Fastify's onRoute hook: it answers which methods a path
 * allows (405 with `Allow` instead of Fastify's 404) and lets tests enumerate the routes.
 */
export class RouteTable {
  readonly #entries: RouteEntry[] = []
  readonly #patterns = new Map<string, Pattern>()
  readonly #caseSensitive: boolean

  constructor(caseSensitive: boolean) {
    this.#caseSensitive = caseSensitive
  }

  add(method: string | readonly string[], url: string): void {
    let pattern = this.#patterns.get(url)
    if (pattern === undefined) {
      pattern = { regex: patternRegex(url, this.#caseSensitive), methods: new Set() }
      this.#patterns.set(url, pattern)
    }
    for (const m of typeof method === 'string' ? [method] : method) {
      pattern.methods.add(m)
      this.#entries.push({ method: m, url })
    }
  }

  get entries(): readonly RouteEntry[] {
    return this.#entries
  }

  /** The methods some route allows on this path (query string ignored), sorted; empty for unknown paths. */
  allowedMethods(url: string): string[] {
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    const allowed = new Set<string>()
    for (const { regex, methods } of this.#patterns.values()) {
      if (regex.test(path)) for (const m of methods) allowed.add(m)
    }
    return [...allowed].sort()
  }
}
