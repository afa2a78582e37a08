import { domainToASCII, domainToUnicode } from 'node:url'

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/
// domainToASCII parses its input as a URL host: it stops at `/`, `?`, `#` or `\` and decodes `%74`, so
// `a@test.example/x` would pass as test.example. Those characters are never part of a domain name.
const URL_SYNTAX = /[/?#\\%@:[\]\s\u0000-\u001f]/

/**
 * Most names arrive as lower-case ASCII without punycode, and UTS #46 leaves those unchanged: every
 * request (Host, address) and loading 100,000 domains skip it (issue 9). Labels of 1-63 letters, digits
 * and inner hyphens, no `xn--`, at most 253 octets; the last label starts with a letter, so the WHATWG
 * host parser would never have read the name as an IPv4 address. A loop: it runs per request.
 */
export function isPlainName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false
  let labelStart = 0
  let lastLabel = 0
  for (let i = 0; i <= name.length; i++) {
    const code = i === name.length ? 46 : name.charCodeAt(i)
    if (code === 46 /* . */) {
      const length = i - labelStart
      if (length === 0 || length > 63 || name.charCodeAt(i - 1) === 45) return false
      lastLabel = labelStart
      labelStart = i + 1
    } else if (code === 45 /* - */) {
      if (i === labelStart) return false
      if (i === labelStart + 2 && name.startsWith('xn', labelStart) && name.charCodeAt(i + 1) === 45)
        return false
    } else if (!((code >= 97 && code <= 122) || (code >= 48 && code <= 57))) return false
  }
  const last = name.charCodeAt(lastLabel)
  return last >= 97 && last <= 122
}

/**
 * Lower-case ASCII (A-label) form of a domain name, or undefined when it is not a valid hostname.
 * Internationalised names are converted with UTS #46 (node's WHATWG URL implementation), so
 * `Bücher.Example` and `xn--bcher-kva.example` resolve to the same hosted domain.
 */
export function normalizeDomain(input: string): string | undefined {
  // A plain name has none of URL_SYNTAX's characters and no trailing dot: it needs no other check.
  if (isPlainName(input)) return input
  if (input.length === 0 || input.length > 255 || URL_SYNTAX.test(input)) return undefined
  const trimmed = input.endsWith('.') ? input.slice(0, -1) : input
  if (isPlainName(trimmed)) return trimmed
  const ascii = domainToASCII(trimmed)
  if (ascii === '' || ascii.length > 253) return undefined
  for (const label of ascii.split('.')) {
    if (!LABEL.test(label)) return undefined
  }
  return ascii
}

/** Unicode form of an ASCII domain name, for pages and messages meant for people. */
export function displayDomain(ascii: string): string {
  if (isPlainName(ascii)) return ascii
  return domainToUnicode(ascii) || ascii
}
