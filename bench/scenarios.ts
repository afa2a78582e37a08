// What the bench asks, as the clients of CLIENTS.md ask it. Hosts and addresses are in the bench config.

export interface Scenario {
  readonly name: string
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
  /** The status a working route answers; any other status on the probe means "not available". */
  readonly status: number
  /** Which service process: the bench config, or the same with Apple profile signing on. */
  readonly service: 'plain' | 'signed'
  /** The floor for requests/s relative to the bare server, when it sets one. */
  readonly targetRatio?: number
}

const ADDRESS = 'alice@example.com'

// Outlook's POX request (MS-OXDSCLI 2.2.4.1), as Outlook 2016+ sends it.
const POX_BODY = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>${ADDRESS}</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>
`

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'autoconfig-address',
    method: 'GET',
    path: `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(ADDRESS)}`,
    headers: { host: 'autoconfig.example.com' },
    status: 200,
    service: 'plain',
    targetRatio: 0.8,
  },
  {
    name: 'autoconfig-host-only',
    method: 'GET',
    path: '/mail/config-v1.1.xml',
    headers: { host: 'autoconfig.example.com' },
    status: 200,
    service: 'plain',
    targetRatio: 0.8,
  },
  {
    name: 'autodiscover-pox',
    method: 'POST',
    path: '/autodiscover/autodiscover.xml',
    headers: { host: 'autodiscover.example.com', 'content-type': 'text/xml' },
    body: POX_BODY,
    status: 200,
    service: 'plain',
    targetRatio: 0.6,
  },
  {
    name: 'autodiscover-json-v2',
    method: 'GET',
    path: `/autodiscover/autodiscover.json/v1.0/${ADDRESS}?Protocol=AutodiscoverV1&RedirectCount=1`,
    headers: { host: 'autodiscover.example.com' },
    status: 200,
    service: 'plain',
  },
  {
    name: 'mobileconfig-unsigned',
    method: 'GET',
    path: `/email.mobileconfig?email=${encodeURIComponent(ADDRESS)}`,
    headers: { host: 'autoconfig.example.com' },
    status: 200,
    service: 'plain',
  },
  {
    name: 'mobileconfig-signed',
    method: 'GET',
    path: `/email.mobileconfig?email=${encodeURIComponent(ADDRESS)}`,
    headers: { host: 'autoconfig.example.com' },
    status: 200,
    service: 'signed',
  },
  {
    name: 'unknown-domain-404',
    method: 'GET',
    path: `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent('bob@not-hosted.example')}`,
    headers: { host: 'autoconfig.not-hosted.example' },
    status: 404,
    service: 'plain',
  },
]
