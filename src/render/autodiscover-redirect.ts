// POX Autodiscover redirects, Outlook schema (MS-OXDSCLI 2.2.4.1.1.2.2, example in 4.2): the client
// asks again with another address (`redirectAddr`) or at another URL (`redirectUrl`); it stops after 10 hops.
import { OUTLOOK_SCHEMA, RESPONSE_NS } from './autodiscover-namespaces.js'
import { el, renderXmlDocument } from './xml.js'

export type OutlookRedirect = { kind: 'address'; address: string } | { kind: 'url'; url: string }

export function renderOutlookRedirect(redirect: OutlookRedirect): string {
  const target =
    redirect.kind === 'address'
      ? [el('Action', 'redirectAddr'), el('RedirectAddr', redirect.address)]
      : [el('Action', 'redirectUrl'), el('RedirectUrl', redirect.url)]
  return renderXmlDocument(
    el('Autodiscover', [el('Response', [el('Account', target)], { xmlns: OUTLOOK_SCHEMA })], {
      xmlns: RESPONSE_NS,
    }),
  )
}
