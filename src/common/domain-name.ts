import { domainToASCII, domainToUnicode } from 'node:url'

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/
// domainToASCII parses its input as a URL host: it stops at `/`, `?`, `#` or `\` and decodes `%74`, so
// `a@test.example/x` would pass as test.example. Those characters are never part of a domain name.
const URL_SYNTAX = /[/?#\\%@:[\]\s\u0000-\u001f]/

/**
 * Lower-case ASCII (A-label) form of a domain name, or undefined when it is not a valid hostname.
 * Internationalised names are converted with UTS #46 (node's WHATWG URL implementation), so
 * `Bücher.Example` and `xn--bcher-kva.example` resolve to the same hosted domain.
 */
export function normalizeDomain(input: string): string | undefined {
  if (input.length === 0 || input.length > 255 || URL_SYNTAX.test(input)) return undefined
  const trimmed = input.endsWith('.') ? input.slice(0, -1) : input
  const ascii = domainToASCII(trimmed)
  if (ascii === '' || ascii.length > 253) return undefined
  for (const label of ascii.split('.')) {
    if (!LABEL.test(label)) return undefined
  }
  return ascii
}

/** Unicode form of an ASCII domain name, for pages and messages meant for people. */
export function displayDomain(ascii: string): string {
  return domainToUnicode(ascii) || ascii
}
