// Request bodies as real clients send them (CLIENTS.md §2), and a small way to post them.
import type { FastifyInstance } from 'fastify'

export const OUTLOOK_REQUEST_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006'
export const MOBILESYNC_REQUEST_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006'
export const OUTLOOK_SCHEMA =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'
export const MOBILESYNC_SCHEMA =
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006'
export const RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006'

/** Outlook desktop: default namespace, pretty-printed. */
export function outlookBody(address: string, schema = OUTLOOK_SCHEMA): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}">
  <Request>
    <EMailAddress>${address}</EMailAddress>
    <AcceptableResponseSchema>${schema}</AcceptableResponseSchema>
  </Request>
</Autodiscover>
`
}

/** Outlook and EWS clients that prefix every element. */
export function prefixedOutlookBody(address: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><a:Autodiscover xmlns:a="${OUTLOOK_REQUEST_NS}"><a:Request><a:EMailAddress>${address}</a:EMailAddress><a:AcceptableResponseSchema>${OUTLOOK_SCHEMA}</a:AcceptableResponseSchema></a:Request></a:Autodiscover>`
}

/** Outlook with a cached profile: the mailbox's legacy DN, with or without the address. */
export function legacyDnBody(address?: string): string {
  const dn = '/o=ExampleOrg/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice'
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="${OUTLOOK_REQUEST_NS}">
  <Request>
${address === undefined ? '' : `    <EMailAddress>${address}</EMailAddress>\n`}    <LegacyDN>${dn}</LegacyDN>
    <AcceptableResponseSchema>${OUTLOOK_SCHEMA}</AcceptableResponseSchema>
  </Request>
</Autodiscover>
`
}

/** An ActiveSync device (and the new Outlook app). */
export function activeSyncBody(address: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="${MOBILESYNC_REQUEST_NS}">
  <Request>
    <EMailAddress>${address}</EMailAddress>
    <AcceptableResponseSchema>${MOBILESYNC_SCHEMA}</AcceptableResponseSchema>
  </Request>
</Autodiscover>
`
}

/** Thunderbird desktop: one line, no whitespace. */
export function thunderbirdBody(address: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${OUTLOOK_REQUEST_NS}"><Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>${OUTLOOK_SCHEMA}</AcceptableResponseSchema></Request></Autodiscover>`
}

export const XML_TYPE = 'text/xml; charset=utf-8'

export function postPox(
  app: FastifyInstance,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': XML_TYPE },
  url = '/autodiscover/autodiscover.xml',
) {
  return app.inject({ method: 'POST', url, headers, payload: body })
}
