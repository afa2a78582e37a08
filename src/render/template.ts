import { Buffer } from 'node:buffer'
import { copyWithin, setBytes } from '../common/typed-array.js'
import { IDENTITY_FIELDS, type Identity } from '../resolve/identity.js'
import { allocateDocument, takeReusable } from './document-buffer.js'
import { keepLayout, type Layout, type Layouts, MOST_LAID_OUT_LENGTH, newLayouts } from './template-layout.js'

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
  /** Their lengths, and their total length, in bytes. */
  readonly partLengths: readonly number[]
  readonly partLength: number
  /** The fields the template was compiled over, and each slot (between two parts) as an index into them. */
  readonly fields: readonly K[]
  readonly slotFields: readonly number[]
  /** For each slot, the first slot of the same field: itself where the field first appears. */
  readonly firstSlots: readonly number[]
  /** Its layouts, made as requests need them (template-layout.ts); undefined for none. */
  readonly layouts: Layouts | undefined
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
  // Kept as numbers: a Buffer's `length` is a call to V8's property lookup, 10 ns each (issue 9).
  const partLengths = partBytes.map((part) => part.length)
  const partLength = partLengths.reduce((total, length) => total + length, 0)
  const firstSlots = slotFields.map((field) => slotFields.indexOf(field))
  const layouts = newLayouts(new Set(slotFields).size)
  return { parts, escapeValue, partBytes, partLengths, partLength, fields, slotFields, firstSlots, layouts }
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

// Per slot, filled by each call and read only within it: no arrays are allocated per request.
const slotTexts: string[] = []
const slotLengths: number[] = []
let slotStarts = new Int32Array(32)

/** Copies the parts into `out` around the values' places (by `slotLengths`), noting where each starts. */
function writeParts(template: Template<string>, out: Buffer, starts: Int32Array): void {
  const { partBytes, partLengths, slotFields } = template
  let at = 0
  for (let slot = 0; slot < slotFields.length; slot++) {
    setBytes.call(out, partBytes[slot] as Buffer, at)
    starts[slot] = at += partLengths[slot] as number
    at += slotLengths[slot] as number
  }
  setBytes.call(out, partBytes[slotFields.length] as Buffer, at)
}

/**
 * The template's layout for these lengths, made now if it is new, or if the one kept was taken for an
 * answer that never claimed it (an error between the two, or a caller that does not claim): its bytes
 * may still be that answer's, so a new layout takes its place rather than every later answer copying.
 */
function layoutOf(template: Template<string>, layouts: Layouts, lengths: number, size: number): Layout {
  const known = layouts.get(lengths)
  if (known !== undefined && known.holder !== null) return known
  const layout = {
    bytes: Buffer.alloc(size),
    starts: new Int32Array(template.slotFields.length),
    holder: undefined,
  }
  writeParts(template, layout.bytes, layout.starts)
  keepLayout(layouts, lengths, layout)
  return layout
}

// Where the values go in the memory `memoryFor` returned last.
let fillStarts: Int32Array = slotStarts

/**
 * The memory for a document of `size` bytes with its parts in place: the template's layout for
 * `lengths` when no answer is still being sent from it, else a copy of that layout, else (`lengths`
 * -1, or no layouts) new memory with the parts copied one by one. Sets `fillStarts`. A layout whose
 * answer never finishes (a response ended after its socket was destroyed) is copied from until the
 * layouts are next dropped (template-layout.ts).
 */
function memoryFor(template: Template<string>, lengths: number, size: number): Buffer {
  const { layouts } = template
  if (lengths !== -1 && layouts !== undefined) {
    const layout = layoutOf(template, layouts, lengths, size)
    fillStarts = layout.starts
    if (takeReusable(layout)) return layout.bytes
    const copy = allocateDocument(size)
    setBytes.call(copy, layout.bytes, 0)
    return copy
  }
  if (slotStarts.length < template.slotFields.length) slotStarts = new Int32Array(template.slotFields.length)
  fillStarts = slotStarts
  const out = allocateDocument(size)
  writeParts(template, out, slotStarts)
  return out
}

/**
 * The same document as `fillTemplate`, as UTF-8 bytes: only the filled-in values are encoded per
 * request, not the whole document (encoding a few KiB of text was the largest cost of an answer).
 * Each field is escaped once however often it appears (an address fills every server's username),
 * and the buffer has the document's exact size, carved from a shared slab (document-buffer.ts). Values
 * are nearly always ASCII, and those are copied code unit by code unit: a Buffer per value and a call
 * into Node to encode it cost more than the copy. A value that appears again is copied from where it
 * was first written. With `laidOut` (requests), ASCII values of usual lengths are written into the
 * template's layout for their lengths (template-layout.ts), which is the answer; documents kept beyond
 * their request (address-free-documents.ts) pass false, so as not to fill the layouts.
 * Issue 9, an autoconfig document in a tight loop: 2.2 → 1.4 µs with the encoding and the slab;
 * 1.33 → 1.27 with the direct copy, 1.12 with the slab used again; 0.9 → 0.7 with repeats copied,
 * 0.6 with which slot comes first worked out when the template is compiled; 0.46 → 0.38 with the
 * layout copied whole, 0.31 with the layout sent itself (under load: 19.1 → 18.5 µs a request).
 */
export function fillTemplateBytes<K extends string>(
  template: Template<K>,
  values: Readonly<Record<K, string>>,
  laidOut = true,
): Buffer {
  const { slotFields, firstSlots, fields, escapeValue } = template
  let size = template.partLength
  let ascii = true
  // Each field's length, 10 bits each, in the order the fields first appear; -1 once one is too long.
  let lengths = 0
  for (let slot = 0; slot < slotFields.length; slot++) {
    const first = firstSlots[slot] as number
    if (first === slot) {
      const text = escapeValue(values[fields[slotFields[slot] as number] as K])
      const length = asciiLength(text)
      slotTexts[slot] = text
      slotLengths[slot] = length === -1 ? Buffer.byteLength(text) : length
      ascii &&= length !== -1
      lengths = length > MOST_LAID_OUT_LENGTH || lengths === -1 ? -1 : lengths * 1024 + length
    } else slotLengths[slot] = slotLengths[first] as number
    size += slotLengths[slot] as number
  }
  const out = memoryFor(template, laidOut && ascii ? lengths : -1, size)
  const starts = fillStarts
  for (let slot = 0; slot < slotFields.length; slot++) {
    const first = firstSlots[slot] as number
    const at = starts[slot] as number
    if (first === slot) {
      writeValue(out, slotTexts[slot] as string, at, ascii)
      // Addresses are personal data: the strings go with the request (the answer's bytes: template-layout.ts).
      slotTexts[slot] = ''
    } else {
      const start = starts[first] as number
      copyWithin.call(out, at, start, start + (slotLengths[slot] as number))
    }
  }
  return out
}
