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

/** UTF-8 length of `text`, or -1 when it is not all ASCII (then the caller asks Buffer). */
function asciiLength(text: string): number {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return -1
  return text.length
}

/** Writes `text` at `at` and returns the end; `ascii` says whether byte i is simply code unit i. */
function writeValue(out: Buffer, text: string, at: number, ascii: boolean): number {
  if (!ascii) return at + out.write(text, at)
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i)
  return at + text.length
}

/**
 * The same document as `fillTemplate`, as UTF-8 bytes: only the filled-in values are encoded per
 * request, not the whole document (encoding a few KiB of text was the largest cost of an answer).
 * Each field is escaped once however often it appears (an address fills every server's username),
 * slots are indexes, not property names, and the buffer has the document's exact size, carved from a
 * shared slab (document-buffer.ts). Values are nearly always ASCII, and those are copied code unit by
 * code unit: a Buffer per value and a call into Node to encode it cost more than the copy. A value
 * that appears again (the address, once per server) is copied from where it was first written. Issue 9,
 * an autoconfig document in a tight loop: 2.2 → 1.4 µs with the encoding and the slab; 1.33 → 1.27
 * with the direct copy, 1.12 with the slab used again; 0.9 → 0.7 with repeats copied.
 */
export function fillTemplateBytes<K extends string>(
  template: Template<K>,
  values: Readonly<Record<K, string>>,
): Buffer {
  const { partBytes, slotFields, fields, escapeValue } = template
  // Filled by a loop: Array.prototype.fill is a call into V8's runtime.
  const texts: (string | undefined)[] = []
  const lengths: number[] = []
  // Where each value was first written into the document, -1 until then.
  const starts: number[] = []
  for (let field = 0; field < fields.length; field++) {
    texts.push(undefined)
    lengths.push(0)
    starts.push(-1)
  }
  let size = template.partLength
  let ascii = true
  for (let i = 0; i < slotFields.length; i++) {
    const field = slotFields[i] as number
    if (texts[field] === undefined) {
      const text = escapeValue(values[fields[field] as K])
      const length = asciiLength(text)
      texts[field] = text
      lengths[field] = length === -1 ? Buffer.byteLength(text) : length
      ascii &&= length !== -1
    }
    size += lengths[field] as number
  }
  const out = allocateDocument(size)
  let at = 0
  for (let i = 0; i < slotFields.length; i++) {
    const part = partBytes[i] as Buffer
    out.set(part, at)
    at += part.length
    const field = slotFields[i] as number
    const first = starts[field] as number
    if (first === -1) {
      starts[field] = at
      at = writeValue(out, texts[field] as string, at, ascii)
    } else {
      // A value seen before is copied from its first place: a memmove, not an encoding.
      const length = lengths[field] as number
      out.copyWithin(at, first, first + length)
      at += length
    }
  }
  out.set(partBytes[slotFields.length] as Buffer, at)
  return out
}
