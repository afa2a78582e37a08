import { fillTemplateBytes, type Template } from '../render/template.js'
import { placeholderIdentity } from '../resolve/identity.js'

// Room for the domains a deployment is asked about most; emptied when full, so a crawl of every
// hosted domain costs a fill per request again and at most this many documents (~2.7 KB each).
const MAX_DOCUMENTS = 1000

/**
 * A document for requests that name no address (K-9, KMail, a Host-only autoconfig GET): it depends
 * only on the domain, whose name is literal in it, so it is filled on the domain's first such request
 * and then only picked (issue 9). Not filled at load: 100,000 domains would take 270 MB. Kept with its
 * snapshot, so a reload starts afresh.
 */
export class AddressFreeDocuments {
  readonly #documents = new Map<string, Buffer>()

  constructor(readonly template: Template) {}

  for(domain: string): Buffer {
    let document = this.#documents.get(domain)
    if (document === undefined) {
      if (this.#documents.size >= MAX_DOCUMENTS) this.#documents.clear()
      const filled = fillTemplateBytes(this.template, placeholderIdentity(domain))
      // Its own memory: a kept document carved from a shared slab would keep the whole slab alive.
      document = Buffer.allocUnsafeSlow(filled.length)
      filled.copy(document)
      this.#documents.set(domain, document)
    }
    return document
  }

  /** How many documents are kept (tests). */
  get size(): number {
    return this.#documents.size
  }
}
