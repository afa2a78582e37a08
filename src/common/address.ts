import { Buffer } from 'node:buffer'
import { normalizeDomain } from './domain-name.js'

export interface EmailAddress {
  /** `localPart@domain`, with the domain in lower-case ASCII form. */
  readonly address: string
  /** As typed: local parts are case-sensitive (RFC 5321 §2.4). */
  readonly localPart: string
  /** Lower-case ASCII (A-label) form. */
  readonly domain: string
}

// RFC 5321 §4.5.3.1: local part 64 octets, path 256 octets including the angle brackets.
const MAX_LOCAL_OCTETS = 64
const MAX_ADDRESS_OCTETS = 254
// C0 and C1 controls, DEL, and whitespace: never part of an address a person types.
const FORBIDDEN = /[\u0000-\u0020\u007f-\u009f\u2028\u2029\s]/

// A UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair, two units, is 4): text this short
// is within a limit of `limit` bytes without counting. Nearly every address is, and counting calls into
// Node (issue 9).
const fitsBytes = (text: string, limit: number) =>
  text.length * 3 <= limit || Buffer.byteLength(text) <= limit

// One pass over the text finds the last `@` and whether any character is a control or a space:
// String.prototype.lastIndexOf is a call into V8's runtime and a regular expression costs more than
// a loop over a short string (issue 9). Beyond ASCII, FORBIDDEN decides (Unicode spaces, C1 controls).
// Returns the `@`'s index (-1 without one), or -2 when the text has a forbidden character.
function scanAddress(text: string): number {
  let at = -1
  let beyondAscii = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 64 /* @ */) at = i
    else if (code <= 0x20 || code === 0x7f) return -2
    else if (code > 0x7e) beyondAscii = true
  }
  return beyondAscii && FORBIDDEN.test(text) ? -2 : at
}

export type AddressResult = { ok: true; value: EmailAddress } | { ok: false; reason: string }

/** Parses an address from a query string or request body, with a one-line reason when it is unusable. */
export function parseAddress(raw: string): AddressResult {
  if (raw.length === 0) return { ok: false, reason: 'the email address is empty' }
  if (!fitsBytes(raw, MAX_ADDRESS_OCTETS * 4)) return { ok: false, reason: 'the email address is too long' }
  const at = scanAddress(raw)
  if (at === -2) return { ok: false, reason: 'the email address contains spaces or control characters' }
  if (at <= 0 || at === raw.length - 1)
    return { ok: false, reason: 'the email address must look like name@domain' }
  const localPart = raw.slice(0, at)
  if (!fitsBytes(localPart, MAX_LOCAL_OCTETS)) {
    return { ok: false, reason: 'the part before @ is longer than 64 bytes' }
  }
  const typedDomain = raw.slice(at + 1)
  const domain = normalizeDomain(typedDomain)
  if (domain === undefined) return { ok: false, reason: 'the part after @ is not a valid domain name' }
  // Nearly always the domain was typed in its normal form, and the address is the text itself. Else
  // joined, not concatenated: `+` and template literals make a rope (a V8 ConsString), and copying a
  // rope into a document code unit by code unit cost half as much again as a flat string (issue 9).
  const address = domain === typedDomain ? raw : [localPart, '@', domain].join('')
  if (!fitsBytes(address, MAX_ADDRESS_OCTETS)) return { ok: false, reason: 'the email address is too long' }
  return { ok: true, value: { address, localPart, domain } }
}
