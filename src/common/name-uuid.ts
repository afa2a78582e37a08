import { Buffer } from 'node:buffer'
import { hash } from 'node:crypto'

/** RFC 9562 §6.6: the namespace for names that are DNS names. */
export const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'

// Namespaces as bytes, converted once: every Apple profile request hashes under the same two (the DNS
// namespace and its provider's). Bounded, as providers change only with the config.
const NAMESPACES_KEPT = 16
const namespaces = new Map<string, Buffer>()

function namespaceBytes(namespace: string): Buffer {
  let bytes = namespaces.get(namespace)
  if (bytes === undefined) {
    if (namespaces.size >= NAMESPACES_KEPT) namespaces.clear()
    bytes = Buffer.from(namespace.replaceAll('-', ''), 'hex')
    namespaces.set(namespace, bytes)
  }
  return bytes
}

/**
 * A name-based UUID (RFC 9562 §5.5, version 5: SHA-1 of namespace and name), upper case as Apple's
 * `uuidgen` prints them. The same namespace and name always give the same UUID, which is what lets a
 * reinstalled Apple profile replace the old one instead of adding a second account. One-shot
 * `crypto.hash`: a Hash object per UUID made UUIDs a fifth of an Apple profile request (issue 9).
 */
export function nameUuid(namespace: string, name: string): string {
  const digest = hash('sha1', Buffer.concat([namespaceBytes(namespace), Buffer.from(name, 'utf8')]), 'buffer')
  const bytes = digest.subarray(0, 16)
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80
  const hex = bytes.toString('hex').toUpperCase()
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
