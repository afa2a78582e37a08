// The setup page's friendly answers when no settings can be shown: an unknown domain (404) or an
// address that cannot be read (400). Each repeats the form, filled with what was typed, to fix it.
import { html } from './html.js'
import { renderPage } from './page-layout.js'
import { addressForm } from './setup-page.js'

/** `typed` is what the person typed, shown again in the form; `reason` the address parser's one line. */
export type ProblemPageInput =
  | { readonly kind: 'unknown-domain'; readonly typed?: string | undefined }
  | { readonly kind: 'bad-address'; readonly typed: string; readonly reason: string }

const TITLE = {
  'unknown-domain': 'No email settings for this domain',
  'bad-address': 'That email address does not look right',
} as const

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export function renderProblemPage(input: ProblemPageInput): string {
  const title = TITLE[input.kind]
  const explanation =
    input.kind === 'unknown-domain'
      ? html`<p>This service has no email settings for ${input.typed === undefined ? 'this site' : 'that address'}.
Check the spelling of your address, or ask your email provider which settings to use.</p>`
      : html`<p class="error">${capitalise(input.reason)}.</p>
<p>An email address looks like <code>name@example.com</code>.</p>`
  return renderPage(title, html`<h1>${title}</h1>\n${explanation}\n${addressForm(input.typed)}\n`)
}
