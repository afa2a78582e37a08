// A template's parts laid out for one set of value lengths: the whole document, and where each value
// starts. A request whose values have those lengths writes only its values into the layout and sends
// the layout itself: no memory to carve, no copy, and the same few KiB, warm in the CPU's cache,
// for every such answer (issue 9). While the last answer made of it is still being sent, the next
// copies the layout into memory of its own instead (render/document-buffer.ts, `takeReusable`).
// Between requests a layout holds the values written last (an address), as a reused slab and the
// socket's own buffers do, until the next answer of those lengths writes over them or the layout
// is dropped; it is never logged or sent to anyone else.
import type { Reusable } from './document-buffer.js'

export interface Layout extends Reusable {
  /** Where each slot's value starts. */
  readonly starts: Int32Array
}

/** Values longer than this (in bytes), and templates over more fields, are never laid out. */
export const MOST_LAID_OUT_LENGTH = 1023
export const MOST_LAID_OUT_FIELDS = 3
// All layouts together: about 750 autoconfig documents. Beyond it they are all dropped and made
// again as requests need them, so no mix of lengths and domains can make them grow without bound.
export const LAYOUT_BUDGET_BYTES = 2 * 1024 * 1024

/** One template's layouts, by their values' lengths (10 bits each, in the order the fields appear). */
export type Layouts = Map<number, Layout>

// Every template's layouts that hold any: all of them are emptied when the budget is reached. Those of
// templates that a reload has replaced stay here until then, inside the budget.
const filled = new Set<Layouts>()
let budgetUsed = 0

/** A new template's layouts: none for a template over too many fields. */
export function newLayouts(distinctFields: number): Layouts | undefined {
  return distinctFields > MOST_LAID_OUT_FIELDS ? undefined : new Map()
}

export function keepLayout(layouts: Layouts, lengths: number, layout: Layout): void {
  if (budgetUsed + layout.bytes.length > LAYOUT_BUDGET_BYTES) {
    for (const each of filled) each.clear()
    filled.clear()
    budgetUsed = 0
  }
  budgetUsed += layout.bytes.length
  layouts.set(lengths, layout)
  filled.add(layouts)
}

/** How many layouts are kept, and their bytes (for tests). */
export function layoutUse(): { count: number; bytes: number } {
  let count = 0
  for (const each of filled) count += each.size
  return { count, bytes: budgetUsed }
}
