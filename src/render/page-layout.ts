// The frame shared by every page for people: one inline stylesheet, no scripts, no external assets.
import { createHash } from 'node:crypto'
import { HtmlFragment, html } from './html.js'

// On a phone the five-column server tables become one card per server (labels from data-label).
// Colours meet WCAG AA contrast on white (body text 15:1, links and buttons over 7:1).
const STYLE = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:#1b1b1b;background:#fff}
body{margin:0}
main{max-width:46rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}
h2{font-size:1.25rem;margin:2rem 0 .5rem;padding-top:.5rem;border-top:1px solid #ccc}
a{color:#0b4f9c}
a:focus,input:focus,button:focus{outline:3px solid #f5a000;outline-offset:2px}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.95em;overflow-wrap:anywhere}
form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin:1rem 0;padding:1rem;background:#f2f5f9;border-radius:6px}
label{display:block;font-weight:600;width:100%}
input{flex:1 1 14rem;font:inherit;padding:.5rem;border:1px solid #555;border-radius:4px;min-width:0}
button,.button{font:inherit;padding:.5rem 1rem;border:0;border-radius:4px;background:#0b4f9c;color:#fff;text-decoration:none;display:inline-block;cursor:pointer}
.table{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{text-align:left;vertical-align:top;padding:.4rem .5rem;border-bottom:1px solid #ddd}
thead th{background:#f2f5f9}
@media (max-width:40rem){
.servers thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
.servers tr{display:block;padding:.4rem 0;border-bottom:1px solid #ddd}
.servers th,.servers td{display:block;border:0;padding:.1rem .5rem}
.servers td::before{content:attr(data-label) ": ";font-weight:600}
}
.note{background:#fff8e1;padding:.5rem 1rem;border-left:4px solid #b07d00}
.error{background:#fdecea;padding:.5rem 1rem;border-left:4px solid #b3261e}
`

/**
 * Allows exactly this stylesheet (by hash) and nothing else: no script, image, font or frame; forms post
 * only to this service; the page cannot be framed (clickjacking) or have its base URL changed.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8'

/** A whole page: language, viewport for phones, title, the stylesheet, and the body fragment. */
export function renderPage(title: string, body: HtmlFragment): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${new HtmlFragment(STYLE)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.markup
}
