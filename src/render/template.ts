import { IDENTITY_FIELDS, type Identity } from '../resolve/identity.js'

/**
 * A rendered document split around the places where per-request values go, so a request only joins a
 * few strings: per-profile documents are rendered once when settings load (issue 9).
 * Works for any renderer that copies those values into its output unchanged (escaped, not transformed).
 */
export interface Template<K extends string = keyof Identity> {
  /** Literal text; `parts.length === slots.length + 1`. */
  readonly parts: readonly string[]
  readonly slots: readonly K[]
  readonly escapeValue: (value: string) => string
  /** The parts encoded as UTF-8 once, for answers sent as bytes (`fillTemplateBytes`). */
  readonly partBytes: readonly Buffer[]
  /** Their total length in bytes. */
  readonly partLength: number
}

// Private-use code points: they pass every escaper unchanged and never occur in a config.
const marker = (index: number) => `\ue000${index}\ue001`
const MARKER = /\ue000(\d+)\ue001/

// A marker's number names a field; any other number can only come from text that imitates a marker.
function fieldAt<K extends string>(fields: readonly K[], piece: string): K {
  const field = fields[Number(piece)]
  if (field === undefined) throw new Error('a rendered value imitates a template marker (U+E000…U+E001)')
  return field
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
  const slots: K[] = []
  pieces.forEach((piece, index) => {
    if (index % 2 === 0) parts.push(piece)
    else slots.push(fieldAt(fields, piece))
  })
  const partBytes = parts.map((part) => Buffer.from(part))
  const partLength = partBytes.reduce((total, part) => total + part.length, 0)
  return { parts, slots, escapeValue, partBytes, partLength }
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
  const { parts, slots, escapeValue } = template
  let out = parts[0] as string
  for (let i = 0; i < slots.length; i++) {
    out += escapeValue(values[slots[i] as K]) + (parts[i + 1] as string)
  }
  return out
}

/**
 * The same document as `fillTemplate`, as UTF-8 bytes: only the filled-in values are encoded per
 * request, not the whole document (encoding a few KiB of text was the largest cost of an answer).
 * Each value is escaped once however often it appears, and written into a buffer sized for the worst
 * case (three bytes per UTF-16 unit), which is cheaper than measuring every value first.
 */
export function fillTemplateBytes<K extends string>(
  template: Template<K>,
  values: Readonly<Record<K, string>>,
): Buffer {
  const { partBytes, slots, escapeValue } = template
  const escaped: Partial<Record<K, string>> = {}
  let room = template.partLength
  for (const slot of slots) {
    escaped[slot] ??= escapeValue(values[slot])
    room += (escaped[slot] as string).length * 3
  }
  const out = Buffer.allocUnsafe(room)
  let at = (partBytes[0] as Buffer).copy(out, 0)
  for (let i = 0; i < slots.length; i++) {
    at += out.write(escaped[slots[i] as K] as string, at)
    at += (partBytes[i + 1] as Buffer).copy(out, at)
  }
  return out.subarray(0, at)
}
