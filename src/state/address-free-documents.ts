import { Buffer } from 'node:buffer'
import { releaseDocument } from '../render/document-buffer.js'
import { fillTemplateBytes } from '../render/template.js'
import { placeholderIdentity } from '../resolve/identity.js'
import type { HostedDomain } from '../settings/model.js'
import type { ProfileDocuments } from './snapshot.js'

// Room for the domains a deployment is asked about most, over all profiles and both variants; emptied
// when full, so a crawl of every hosted domain costs a fill per request again and at most this many
// documents (about 2.7 MB with the bundled config's profile; a profile with more servers has larger ones).
const MAX_DOCUMENTS = 1000

export type AutoconfigVariant = 'full' | 'onePerType'

/**
 * Autoconfig documents for requests that name no address (K-9, KMail, a Host-only GET): such a
 * document depends only on the domain, whose name is literal in it, so it is filled on the domain's
 * first such request and then only picked (issue 9). Not filled at load: 100,000 domains would take
 * 270 MB. One per snapshot, over that snapshot's documents, so a reload starts afresh.
 */
export class AddressFreeDocuments {
  readonly #kept = { full: new Map<string, Buffer>(), onePerType: new Map<string, Buffer>() }
  readonly #profiles: readonly ProfileDocuments[]

  constructor(profiles: readonly ProfileDocuments[]) {
    this.#profiles = profiles
  }

  /** The document for `domain`, from its own profile's template. */
  for(domain: HostedDomain, variant: AutoconfigVariant): Buffer {
    const kept = this.#kept[variant]
    let document = kept.get(domain.name)
    if (document === undefined) {
      if (this.size >= MAX_DOCUMENTS) {
        this.#kept.full.clear()
        this.#kept.onePerType.clear()
      }
      const documents = this.#profiles[domain.profile.id] as ProfileDocuments
      const template = variant === 'full' ? documents.autoconfig : documents.autoconfigOnePerType
      const filled = fillTemplateBytes(template, placeholderIdentity(domain.name), false)
      // Its own memory: a carved document is for one answer (its slab is reused once the answers in
      // it are sent), and keeping one would also keep its whole slab alive. The carved one is let go.
      document = Buffer.allocUnsafeSlow(filled.length)
      filled.copy(document)
      releaseDocument(filled)
      kept.set(domain.name, document)
    }
    return document
  }

  /** How many documents are kept. */
  get size(): number {
    return this.#kept.full.size + this.#kept.onePerType.size
  }
}
