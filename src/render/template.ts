import { IDENTITY_FIELDS, type Identity } from '../resolve/identity.js'
import { allocateDocument } from './document-buffer.js'

/**
 * A rendered document split around the places where per-request values go, so a request only joins a
 * few strings: per-profile documents are rendered once when settings load (issue 9).
 * Works for any renderer that copies those values into its output unchanged (escaped, not transformed).
 */
export interface Template<K extends string = keyof Identity> {
  /** Literal text; `parts.length === slotFields.length + 1`. */
  readonly parts: readonly string[]
  readonly escapeValue: (value: string) => string
  /** The parts encoded as UTF-8 once, for answers sent as bytes (`fillTemplateBytes`). */
  readonly partBytes: readonly Buffer[]
  /** Their total length in bytes. */
  readonly partLength: number
  /** The fields the template was compiled over, and each slot (between two parts) as an index into them. */
  readonly fields: readonly K[]
  readonly slotFields: readonly number[]
}

// Private-use code points: they pass every escaper unchanged and never occur in a config.
const marker = (index: number) => `\ue000${index}\ue001`
const MARKER = /\ue000(\d+)\ue001/

// A marker's number names a field; any other number can only come from text that imitates a marker.
function fieldIndex(fields: readonly string[], piece: string): number {
  const index = Number(piece)
  if (fields[index] === undefined)
    throw new Error('a rendered value imitates a template marker (U+E000…U+E001)')
  return index
}

/** A template over the named values: the renderer is run once with a marker in place of each. */
export function compileTemplateOf<K extends string>(
  fields: readonly K[],
  render: (values: Readonly<Record<K, string>>) => string,
  escapeValue: (value: string) => string,
): Template<K> {
  const marked = Object.fromEntries(fields.map((field, index) => [field, marker(index)])) as Record<K, string>
  const pieces = render(marked).split(MARKER)
  const parts: string[] = []
  const slotFields: number[] = []
  pieces.forEach((piece, index) => {
    if (index % 2 === 0) parts.push(piece)
    else slotFields.push(fieldIndex(fields, piece))
  })
  const partBytes = parts.map((part) => Buffer.from(part))
  const partLength = partBytes.reduce((total, part) => total + part.length, 0)
  return { parts, escapeValue, partBytes, partLength, fields, slotFields }
}

/** A template over an identity (address, local part, domain). */
export function compileTemplate(
  render: (identity: Identity) => string,
  escapeValue: (value: string) => string,
): Template {
  return compileTemplateOf(IDENTITY_FIELDS, render, escapeValue)
}

export function fillTemplate<K extends string>(
  template: Template<K>,
  values: Readonly<Record<K, string>>,
): string {
  const { parts, fields, slotFields, escapeValue } = template
  let out = parts[0] as string
  for (let i = 0; i < slotFields.length; i++) {
    out += escapeValue(values[fields[slotFields[i] as number] as K]) + (parts[i + 1] as string)
  }
  return out
}

/**
 * The same document as `fillTemplate`, as UTF-8 bytes: only the filled-in values are encoded per
 * request, not the whole document (encoding a few KiB of text was the largest cost of an answer).
 * Each field is escaped and encoded once however often it appears (an address fills every server's
 * username), slots are indexes, not property names, and the buffer has the document's exact size,
 * carved from a shared slab (document-buffer.ts). Issue 9: the encoding and indexes took about 1 µs
 * off an autoconfig document, the slab most of another (2.2 → 1.4 µs in a tight loop).
 */
export function fillTemplateBytes<K extends string>(
  template: Template<K>,
  values: Readonly<Record<K, string>>,
): Buffer {
  const { partBytes, slotFields, fields, escapeValue } = template
  const encoded: (Buffer | undefined)[] = new Array(fields.length)
  let size = template.partLength
  for (let i = 0; i < slotFields.length; i++) {
    const field = slotFields[i] as number
    let bytes = encoded[field]
    if (bytes === undefined) {
      bytes = Buffer.from(escapeValue(values[fields[field] as K]))
      encoded[field] = bytes
    }
    size += bytes.length
  }
  const out = allocateDocument(size)
  let at = 0
  for (let i = 0; i < slotFields.length; i++) {
    const part = partBytes[i] as Buffer
    out.set(part, at)
    at += part.length
    const bytes = encoded[slotFields[i] as number] as Buffer
    out.set(bytes, at)
    at += bytes.length
  }
  out.set(partBytes[slotFields.length] as Buffer, at)
  return out
}
