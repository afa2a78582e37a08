import { fillTemplateBytes, type Template } from '../render/template.js'
import { placeholderIdentity } from '../resolve/identity.js'

// Room for the domains a deployment is asked about most, over all profiles and both variants; emptied
// when full, so a crawl of every hosted domain costs a fill per request again and at most this many
// documents (~2.7 KB each).
const MAX_DOCUMENTS = 1000

/**
 * Autoconfig documents for requests that name no address (K-9, KMail, a Host-only GET): such a
 * document depends only on the domain, whose name is literal in it, so it is filled on the domain's
 * first such request and then only picked (issue 9). Not filled at load: 100,000 domains would take
 * 270 MB. One per snapshot, so a reload starts afresh.
 */
export class AddressFreeDocuments {
  /** By domain name: the full document, and Evolution's one server per type. */
  readonly #documents = { full: new Map<string, Buffer>(), onePerType: new Map<string, Buffer>() }

  /** The document of `template` (the domain's profile's) for `domain`. */
  for(domain: string, template: Template, variant: 'full' | 'onePerType'): Buffer {
    const kept = this.#documents[variant]
    let document = kept.get(domain)
    if (document === undefined) {
      if (this.size >= MAX_DOCUMENTS) {
        this.#documents.full.clear()
        this.#documents.onePerType.clear()
      }
      const filled = fillTemplateBytes(template, placeholderIdentity(domain))
      // Its own memory: a kept document carved from a shared slab would keep the whole slab alive.
      document = Buffer.allocUnsafeSlow(filled.length)
      filled.copy(document)
      kept.set(domain, document)
    }
    return document
  }

  /** How many documents are kept. */
  get size(): number {
    return this.#documents.full.size + this.#documents.onePerType.size
  }
}
