/** The mail-client families metrics count requests by; anything unrecognised is `other`. */
export type ClientFamily = 'thunderbird' | 'outlook' | 'apple' | 'android' | 'evolution' | 'gnome' | 'other'

// Order matters: Outlook for iOS/Android names its platform too, and GNOME's HTTP library names Linux.
const RULES: readonly (readonly [RegExp, ClientFamily])[] = [
  // "Microsoft Office/16.0 (… Microsoft Outlook 16.0 …)", "Outlook-iOS/…", "Outlook-Android/…"
  [/outlook|microsoft office/i, 'outlook'],
  // "… Gecko/20100101 Thunderbird/128.0", and the Betterbird fork
  [/thunderbird|betterbird/i, 'thunderbird'],
  [/evolution/i, 'evolution'],
  // GNOME Online Accounts ("gnome-online-accounts", "GOA")
  [/gnome|\bgoa\b/i, 'gnome'],
  // K-9 / Thunderbird for Android (okhttp), FairEmail, other Android mail apps
  [/k-?9|fairemail|okhttp|android|dalvik/i, 'android'],
  // Apple Mail and the Settings app (CFNetwork, Darwin, accountsd), Safari on iPhone/iPad/Mac
  [/cfnetwork|darwin|accountsd|iphone|ipad|macintosh|mac os x|ios\//i, 'apple'],
]

/** Classifies a User-Agent header. Pure; callers cache the answer per header value. */
export function classifyClient(userAgent: string | undefined): ClientFamily {
  if (userAgent === undefined) return 'other'
  for (const [pattern, family] of RULES) if (pattern.test(userAgent)) return family
  return 'other'
}

/**
 * A bounded cache in front of classifyClient: clients send a handful of distinct User-Agents, so a
 * request usually costs one Map lookup. Emptied when full, so hostile variety cannot grow it.
 */
export class ClientClassifier {
  readonly #cache = new Map<string, ClientFamily>()
  // The last User-Agent and its family: requests come in runs from one client (a company's Outlooks at
  // 9:00), and comparing with it is cheaper than hashing a new header string for the Map (issue 9).
  #lastAgent: string | undefined
  #lastFamily: ClientFamily = 'other'

  constructor(readonly maxEntries = 1000) {}

  classify(userAgent: string | undefined): ClientFamily {
    if (userAgent === undefined) return 'other'
    if (userAgent === this.#lastAgent) return this.#lastFamily
    let family = this.#cache.get(userAgent)
    if (family === undefined) {
      if (this.#cache.size >= this.maxEntries) this.#cache.clear()
      family = classifyClient(userAgent)
      this.#cache.set(userAgent, family)
    }
    this.#lastAgent = userAgent
    this.#lastFamily = family
    return family
  }

  get size(): number {
    return this.#cache.size
  }
}
