import { renderAutoconfig } from '../render/autoconfig.js'
import { type Template, compileTemplate } from '../render/template.js'
import { escapeXml } from '../render/xml.js'
import type { Problem, Profile, Settings } from '../settings/model.js'
import type { LoadedSettings } from '../settings/load-settings.js'
import { AddressFreeDocuments } from './address-free-documents.js'
import { type AutodiscoverDocuments, prepareAutodiscover } from './autodiscover-documents.js'
import { type MobileconfigDocuments, prepareMobileconfig } from './mobileconfig-documents.js'

/** Documents rendered once per profile when settings load; a request only fills in the identity. */
export interface ProfileDocuments {
  readonly autoconfig: Template
  /** One server per type, for Evolution (CLIENTS.md §1). */
  readonly autoconfigOnePerType: Template
  /** Microsoft POX Autodiscover (issue 3). */
  readonly autodiscover: AutodiscoverDocuments
  /** Apple configuration profile, unsigned (issue 4); prepared on first use. */
  readonly mobileconfig: () => MobileconfigDocuments
}

/** Settings plus everything prepared from them: what a request reads, swapped whole on reload. */
export interface Snapshot {
  readonly settings: Settings
  readonly warnings: readonly Problem[]
  /** Indexed by `Profile.id`. */
  readonly documents: readonly ProfileDocuments[]
  /** Autoconfig documents for requests without an address, filled per domain on first use. */
  readonly addressFree: AddressFreeDocuments
  readonly loadedAt: Date
}

function prepareDocuments(settings: Settings, profile: Profile): ProfileDocuments {
  const { provider } = settings
  const autoconfig = (onePerType: boolean) =>
    compileTemplate(
      (identity) => renderAutoconfig({ provider, profile, identity }, { onePerType }),
      escapeXml,
    )
  let mobileconfig: MobileconfigDocuments | undefined
  return Object.freeze({
    autoconfig: autoconfig(false),
    autoconfigOnePerType: autoconfig(true),
    autodiscover: prepareAutodiscover(profile),
    // Prepared on the profile's first Apple request, then kept with the snapshot: a profile download is
    // a person following a link, rare next to Autodiscover traffic, and preparing both variants for
    // every profile was half of loading's document time (issue 9: start-up with 100,000 domains). A
    // function rather than a getter: the documents every request reads stay plain data properties.
    mobileconfig: () => {
      mobileconfig ??= prepareMobileconfig(provider, profile)
      return mobileconfig
    },
  })
}

export function createSnapshot(loaded: LoadedSettings, now = new Date()): Snapshot {
  const { settings, warnings } = loaded
  const documents = Object.freeze(settings.profiles.map((profile) => prepareDocuments(settings, profile)))
  return Object.freeze({
    settings,
    warnings,
    documents,
    addressFree: new AddressFreeDocuments(documents),
    loadedAt: now,
  })
}

export function documentsFor(snapshot: Snapshot, profile: Profile): ProfileDocuments {
  return snapshot.documents[profile.id] as ProfileDocuments
}
