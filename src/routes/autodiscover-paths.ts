// Autodiscover paths arrive in any casing (`/Autodiscover/Autodiscover.xml`, `/AutoDiscover/AutoDiscover.xml`,
// CLIENTS.md §2). The router is case-sensitive for every other route, so only this prefix is folded,
// before routing; what follows it (an address in the v2 JSON form) keeps its case.
const PREFIX = /^\/autodiscover\/autodiscover\.(xml|json(\/v1\.0)?)(?=$|[/?#])/i

export const POX_PATH = '/autodiscover/autodiscover.xml'
export const JSON_PATH = '/autodiscover/autodiscover.json'

/** The request URL with an Autodiscover prefix in lower case; any other URL unchanged. */
export function normalizeAutodiscoverPath(url: string): string {
  const match = PREFIX.exec(url)
  if (match === null) return url
  return match[0].toLowerCase() + url.slice(match[0].length)
}
