// The one escaping path for every HTML page we write (the setup page and its error pages).
// `html` escapes every interpolated value unless it is already a fragment built by `html`,
// so a value from the config or the request can never become markup.

const HTML_SPECIAL = /[&<>"']/g
const HTML_ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
// C0 controls (except tab, newline, carriage return) and DEL are parse errors in HTML (§13.2.5).
const HTML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g

/** Escapes text for element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(HTML_INVALID, '\ufffd').replace(HTML_SPECIAL, (c) => HTML_ENTITY[c] as string)
}

/** Markup that is already safe: only `html` makes one. */
export class HtmlFragment {
  readonly markup: string

  constructor(markup: string) {
    this.markup = markup
  }
}

export type HtmlValue = string | number | HtmlFragment | readonly HtmlValue[] | undefined | null | false

function valueToMarkup(value: HtmlValue): string {
  if (value instanceof HtmlFragment) return value.markup
  if (Array.isArray(value)) return value.map(valueToMarkup).join('')
  if (value === undefined || value === null || value === false) return ''
  return escapeHtml(String(value))
}

/** Tagged template: literal parts are markup, every `${value}` is escaped (or joined, for lists). */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): HtmlFragment {
  let out = strings[0] as string
  values.forEach((value, i) => {
    out += valueToMarkup(value) + (strings[i + 1] as string)
  })
  return new HtmlFragment(out)
}
