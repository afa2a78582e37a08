// POX Autodiscover, ActiveSync (mobilesync) response schema 2006 (MS-ASCMD 2.2.2.1): the settings
// answer for phones and the new Outlook app, and its address redirect.
import type { Identity } from '../resolve/identity.js'
import { MOBILESYNC_SCHEMA, RESPONSE_NS } from './autodiscover-namespaces.js'
import { el, renderXmlDocument, type XmlElement } from './xml.js'

function wrap(children: readonly XmlElement[]): string {
  return renderXmlDocument(
    el('Autodiscover', [el('Response', children, { xmlns: MOBILESYNC_SCHEMA })], { xmlns: RESPONSE_NS }),
  )
}

/** The MobileSync server for one identity; `Name` repeats the URL, as Exchange does. */
export function renderMobileSyncSettings(input: { identity: Identity; activeSyncUrl: string }): string {
  const { identity, activeSyncUrl } = input
  return wrap([
    el('Culture', 'en:us'),
    el('User', [el('DisplayName', identity.address), el('EMailAddress', identity.address)]),
    el('Action', [
      el('Settings', [
        el('Server', [el('Type', 'MobileSync'), el('Url', activeSyncUrl), el('Name', activeSyncUrl)]),
      ]),
    ]),
  ])
}

/** `Redirect` holds the address to ask for instead (MS-ASCMD 2.2.3.147). */
export function renderMobileSyncRedirect(address: string): string {
  return wrap([el('Culture', 'en:us'), el('Action', [el('Redirect', address)])])
}
