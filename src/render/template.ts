import { IDENTITY_FIELDS, type Identity } from '../resolve/identity.js'

/**
 * A rendered document split around the places where the identity goes, so a request only joins a few
 * strings: per-domain documents are rendered once when settings load (issue: performance).
 * Works for any renderer that copies identity values into its output unchanged (escaped, not transformed).
 */
export interface Template {
  /** Literal text; `parts.length === slots.length + 1`. */
  readonly parts: readonly string[]
  readonly slots: readonly (keyof Identity)[]
  readonly escapeValue: (value: string) => string
}

// Private-use code points: they pass every escaper unchanged and never occur in a config.
const marker = (index: number) => `\ue000${index}\ue001`
const MARKER = /\ue000(\d)\ue001/

const MARKED_IDENTITY: Identity = {
  address: marker(0),
  localPart: marker(1),
  domain: marker(2),
}

export function compileTemplate(
  render: (identity: Identity) => string,
  escapeValue: (value: string) => string,
): Template {
  const pieces = render(MARKED_IDENTITY).split(MARKER)
  const parts: string[] = []
  const slots: (keyof Identity)[] = []
  pieces.forEach((piece, index) => {
    if (index % 2 === 0) parts.push(piece)
    else slots.push(IDENTITY_FIELDS[Number(piece)] as keyof Identity)
  })
  return { parts, slots, escapeValue }
}

export function fillTemplate(template: Template, identity: Identity): string {
  const { parts, slots, escapeValue } = template
  let out = parts[0] as string
  for (let i = 0; i < slots.length; i++) {
    out += escapeValue(identity[slots[i] as keyof Identity]) + (parts[i + 1] as string)
  }
  return out
}
