/** The endpoint families metrics count requests by, from the route's path pattern. */
export type EndpointFamily =
  | 'autoconfig'
  | 'autodiscover'
  | 'apple'
  | 'dav'
  | 'setup'
  | 'health'
  | 'metrics'
  | 'tls'
  | 'other'
  | 'unmatched'

const RULES: readonly (readonly [RegExp, EndpointFamily])[] = [
  [/^\/(mail\/|\.well-known\/autoconfig\/|v1\.1\/mail\/|\.well-known\/mail-v1\.xml)/, 'autoconfig'],
  // Outlook varies the casing of /Autodiscover/ (CLIENTS.md §2).
  [/^\/autodiscover\//i, 'autodiscover'],
  [/\.mobileconfig$/, 'apple'],
  [/^\/\.well-known\/(caldav|carddav)$/, 'dav'],
  [/^\/(setup)?$/, 'setup'],
  [/^\/(healthz|readyz)$/, 'health'],
  [/^\/metrics$/, 'metrics'],
  [/^\/tls-allowed$/, 'tls'],
]

/**
 * `routeUrl` is the route's pattern (fastify's `routeOptions.url`), undefined when no route matched.
 * Patterns are few and fixed, so the label set stays small whatever clients ask.
 */
export function endpointFamily(routeUrl: string | undefined): EndpointFamily {
  if (routeUrl === undefined) return 'unmatched'
  for (const [pattern, family] of RULES) if (pattern.test(routeUrl)) return family
  return 'other'
}
