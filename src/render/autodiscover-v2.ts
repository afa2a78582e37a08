// Autodiscover v2 (JSON), asked first by current Outlook (CLIENTS.md §2): `{"Protocol","Url"}` for one
// protocol, or `{"ErrorCode","ErrorMessage"}`. Messages are fixed: nothing the client sent is echoed.
import type { HostedDomain, ServiceOptions } from '../settings/model.js'

export type V2Protocol = 'AutodiscoverV1' | 'ActiveSync' | 'Ews'

// Outlook sends `AutodiscoverV1`, `Autodiscoverv1`, `ActiveSync`, `Ews` in varying case.
const PROTOCOLS: ReadonlyMap<string, V2Protocol> = new Map([
  ['autodiscoverv1', 'AutodiscoverV1'],
  ['activesync', 'ActiveSync'],
  ['ews', 'Ews'],
])

export function matchV2Protocol(requested: string | undefined): V2Protocol | undefined {
  return requested === undefined ? undefined : PROTOCOLS.get(requested.toLowerCase())
}

export interface V2Answer {
  readonly Protocol: V2Protocol
  readonly Url: string
}

export interface V2Error {
  readonly ErrorCode: string
  readonly ErrorMessage: string
}

export const INVALID_PROTOCOL: V2Error = Object.freeze({
  ErrorCode: 'InvalidProtocol',
  ErrorMessage:
    'The protocol is not supported for this address. Supported values: AutodiscoverV1, ActiveSync, Ews.',
})

/** The POX endpoint: the configured public base URL, else the conventional autodiscover host of the domain. */
export function poxUrl(service: ServiceOptions, mailDomain: string): string {
  const base = service.publicUrl?.replace(/\/+$/, '') ?? `https://autodiscover.${mailDomain}`
  return `${base}/autodiscover/autodiscover.xml`
}

/** The URL for one protocol, or undefined when this domain does not offer it here. */
export function v2Url(
  protocol: V2Protocol,
  context: { service: ServiceOptions; domain: HostedDomain; mailDomain: string },
): string | undefined {
  const { service, domain, mailDomain } = context
  // A domain hosted elsewhere: only its Autodiscover endpoint is known.
  if (domain.redirectUrl !== undefined) return protocol === 'AutodiscoverV1' ? domain.redirectUrl : undefined
  if (protocol === 'AutodiscoverV1') return poxUrl(service, mailDomain)
  const exchange = domain.profile.exchange
  return protocol === 'ActiveSync' ? exchange?.activeSyncUrl : exchange?.ewsUrl
}

export function renderV2Answer(protocol: V2Protocol, url: string): V2Answer {
  return { Protocol: protocol, Url: url }
}
