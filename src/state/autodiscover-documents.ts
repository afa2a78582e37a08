import { hasOutlookProtocols, renderOutlookSettings } from '../render/autodiscover-outlook.js'
import { renderMobileSyncSettings } from '../render/autodiscover-mobilesync.js'
import { compileTemplate, type Template } from '../render/template.js'
import { escapeXml } from '../render/xml.js'
import type { Profile } from '../settings/model.js'

/** POX Autodiscover answers of one profile, prepared at load time; undefined where the profile has none. */
export interface AutodiscoverDocuments {
  /** Outlook schema; undefined when nothing can be listed (error 501). */
  readonly outlook?: Template
  /** The same with the mapiHttp protocol, for requests carrying X-MapiHttpCapability. */
  readonly outlookMapiHttp?: Template
  /** ActiveSync schema; undefined without `exchange.activeSyncUrl` (error 601). */
  readonly mobileSync?: Template
}

export function prepareAutodiscover(profile: Profile): AutodiscoverDocuments {
  const outlook = (mapiHttp: boolean) =>
    compileTemplate((identity) => renderOutlookSettings({ profile, identity, mapiHttp }), escapeXml)
  const activeSyncUrl = profile.exchange?.activeSyncUrl
  const documents: { -readonly [K in keyof AutodiscoverDocuments]: AutodiscoverDocuments[K] } = {}
  if (hasOutlookProtocols(profile)) {
    documents.outlook = outlook(false)
    documents.outlookMapiHttp = profile.exchange?.mapiHttp === undefined ? documents.outlook : outlook(true)
  }
  if (activeSyncUrl !== undefined) {
    documents.mobileSync = compileTemplate(
      (identity) => renderMobileSyncSettings({ identity, activeSyncUrl }),
      escapeXml,
    )
  }
  return Object.freeze(documents)
}
