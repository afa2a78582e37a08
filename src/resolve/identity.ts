/** Who a document is for: the values that usernames and address fields are made of. */
export interface Identity {
  readonly address: string
  readonly localPart: string
  readonly domain: string
}

export const IDENTITY_FIELDS = [
  'address',
  'localPart',
  'domain',
] as const satisfies readonly (keyof Identity)[]

/**
 * When only the domain is known (K-9, KMail send no address), usernames stay whole-value placeholders
 * for the client to fill, while the domain is literal: Evolution replaces %EMAILDOMAIN% with nothing
 * and FairEmail and GNOME substitute only whole values (CLIENTS.md §1).
 */
export function placeholderIdentity(domain: string): Identity {
  return { address: '%EMAILADDRESS%', localPart: '%EMAILLOCALPART%', domain }
}

/** A server's username template filled in for one identity. */
export function fillUsername(template: string, identity: Identity): string {
  return template
    .replaceAll('%EMAILADDRESS%', identity.address)
    .replaceAll('%EMAILLOCALPART%', identity.localPart)
    .replaceAll('%EMAILDOMAIN%', identity.domain)
}
