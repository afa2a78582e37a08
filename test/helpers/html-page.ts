// Reads a setup page the way a person (or a screen reader) would: headings, tables, form, links.
import { type HTMLElement, parse } from 'node-html-parser'

export interface PageView {
  root: HTMLElement
  lang: string | undefined
  title: string
  h1: string
  /** Every section's h2 text, in order. */
  headings: string[]
  /** Table caption → rows of cell texts (header row included). */
  tables: Map<string, string[][]>
  form: {
    action: string | undefined
    method: string | undefined
    inputValue: string | undefined
    label: string
  }
  links: { text: string; href: string }[]
  text: string
}

const clean = (s: string) => s.replace(/\s+/g, ' ').trim()

export function readPage(body: string): PageView {
  const root = parse(body)
  const tables = new Map<string, string[][]>()
  for (const table of root.querySelectorAll('table')) {
    const caption = clean(table.querySelector('caption')?.text ?? '')
    const rows = table
      .querySelectorAll('tr')
      .map((tr) => tr.querySelectorAll('th, td').map((cell) => clean(cell.text)))
    tables.set(caption, rows)
  }
  const input = root.querySelector('form input[name="email"]')
  const label = root.querySelector(`label[for="${input?.getAttribute('id')}"]`)
  return {
    root,
    lang: root.querySelector('html')?.getAttribute('lang'),
    title: clean(root.querySelector('title')?.text ?? ''),
    h1: clean(root.querySelector('h1')?.text ?? ''),
    headings: root.querySelectorAll('h2').map((h) => clean(h.text)),
    tables,
    form: {
      action: root.querySelector('form')?.getAttribute('action'),
      method: root.querySelector('form')?.getAttribute('method'),
      inputValue: input?.getAttribute('value'),
      label: clean(label?.text ?? ''),
    },
    links: root
      .querySelectorAll('a')
      .map((a) => ({ text: clean(a.text), href: a.getAttribute('href') ?? '' })),
    text: clean(root.querySelector('main')?.text ?? ''),
  }
}

/** A table's body rows as `{ header cell → value }`, for tables with a header row. */
export function rowsOf(page: PageView, caption: string): Record<string, string>[] {
  const [header, ...rows] = page.tables.get(caption) ?? []
  return rows.map((cells) => Object.fromEntries((header ?? []).map((h, i) => [h, cells[i] ?? ''])))
}

/** A two-column table (label, value) as an object. */
export function pairsOf(page: PageView, caption: string): Record<string, string> {
  return Object.fromEntries((page.tables.get(caption) ?? []).map(([k, v]) => [k, v]))
}
