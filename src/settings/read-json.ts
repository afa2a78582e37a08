// A config written as JSON (JSON is YAML 1.2) is read by JSON.parse, about a hundred times faster than
// the YAML parser: a generated config with 100,000 domains loads in a fraction of a second (issue 9).
// The YAML reader's rules still hold: a repeated key is left to it (it reports the error with its line),
// and problems get their line from the text.
import type { Problem } from './model.js'

/** What a config reader hands on: plain data, and a way to put line numbers on problems. */
export interface ParsedConfig {
  readonly value: unknown
  readonly withLines: (problems: readonly Problem[]) => Problem[]
}

interface Frame {
  readonly array: boolean
  readonly path: string
  index: number
  key: string
}

const isSpace = (code: number) => code === 32 || code === 10 || code === 13 || code === 9

/** Offset just past the string token that starts at `start` (a `"`). */
function stringEnd(text: string, start: number): number {
  let i = start + 1
  for (;;) {
    const code = text.charCodeAt(i)
    if (code === 34) return i + 1
    i += code === 92 ? 2 : 1
  }
}

function childPath(frame: Frame | undefined): string {
  if (frame === undefined) return ''
  if (frame.array) return `${frame.path}[${frame.index}]`
  return frame.path === '' ? frame.key : `${frame.path}.${frame.key}`
}

/** Keys written in the text: every `:` outside a string follows exactly one key. */
function keysInText(text: string): number {
  let count = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 34) i = stringEnd(text, i) - 1
    else if (code === 58) count++
  }
  return count
}

/** How often `:` occurs in a string: a native search, far faster than a loop over the characters. */
function colonsIn(text: string): number {
  let count = 0
  for (let at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) count++
  return count
}

/**
 * Keys of every object in a parsed value (JSON.parse keeps only the last of a repeated key); with
 * `withColons`, plus the colons inside its keys and strings.
 */
function keysInValue(value: unknown, withColons: boolean): number {
  let count = 0
  const pending: unknown[] = [value]
  while (pending.length > 0) {
    const next = pending.pop()
    if (typeof next === 'string') {
      if (withColons) count += colonsIn(next)
    } else if (Array.isArray(next)) {
      for (const item of next) pending.push(item)
    } else if (typeof next === 'object' && next !== null) {
      for (const key in next) {
        count += withColons ? 1 + colonsIn(key) : 1
        pending.push((next as Record<string, unknown>)[key])
      }
    }
  }
  return count
}

/**
 * Whether JSON.parse kept every key of the text. Each `:` of the text follows a key or sits inside a
 * string; a repeated key drops out of the value with its colons, so the counts differ. A colon written
 * as `\u003a` counts in the value but not in the text: such text gets the exact scan (issue 9: the
 * native count takes milliseconds where the scan takes tens of them for 100,000 domains).
 */
function keepsEveryKey(text: string, value: unknown): boolean {
  if (/\\u003a/i.test(text)) return keysInText(text) === keysInValue(value, false)
  return colonsIn(text) === keysInValue(value, true)
}

/** Walks JSON text that JSON.parse accepted, handing every value's path and offset to `onValue`. */
function walkJson(text: string, onValue: (path: string, offset: number) => void): void {
  const stack: Frame[] = []
  let expectKey = false
  let i = 0
  while (i < text.length) {
    const code = text.charCodeAt(i)
    const top = stack[stack.length - 1]
    if (isSpace(code) || code === 58 /* : */) i++
    else if (code === 125 /* } */ || code === 93 /* ] */) {
      stack.pop()
      expectKey = false
      i++
    } else if (code === 44 /* , */) {
      if (top?.array) top.index++
      else expectKey = true
      i++
    } else if (expectKey && top !== undefined) {
      const end = stringEnd(text, i)
      top.key = JSON.parse(text.slice(i, end)) as string
      expectKey = false
      i = end
    } else {
      const path = childPath(top)
      onValue(path, i)
      if (code === 123 /* { */ || code === 91 /* [ */) {
        stack.push({ array: code === 91, path, index: 0, key: '' })
        expectKey = code === 123
        i++
      } else if (code === 34) i = stringEnd(text, i)
      else {
        while (i < text.length && !isSpace(text.charCodeAt(i)) && !',]}'.includes(text[i] as string)) i++
      }
    }
  }
}

/** `domains[1].incoming[0]` → `domains`, `domains[1]`, `domains[1].incoming`, `domains[1].incoming[0]`. */
function pathPrefixes(path: string): string[] {
  return [...path.matchAll(/[.[]/g)].map((m) => path.slice(0, m.index)).concat(path)
}

function lineAt(text: string, offset: number): number {
  let line = 1
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) line++
  return line
}

function withJsonLines(text: string, problems: readonly Problem[]): Problem[] {
  if (problems.length === 0) return []
  const wanted = new Set(problems.flatMap((p) => pathPrefixes(p.path)))
  const offsets = new Map<string, number>()
  walkJson(text, (path, offset) => {
    if (wanted.has(path)) offsets.set(path, offset)
  })
  return problems.map((problem) => {
    const deepest = pathPrefixes(problem.path)
      .reverse()
      .find((prefix) => offsets.has(prefix))
    return {
      ...problem,
      line: deepest === undefined ? undefined : lineAt(text, offsets.get(deepest) as number),
    }
  })
}

/** The config read as JSON, or undefined when it is not JSON or repeats a key: YAML reads it then. */
export function readJsonConfig(text: string): ParsedConfig | undefined {
  if (!/^\s*\{/.test(text)) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!keepsEveryKey(text, value)) return undefined
  return { value, withLines: (problems) => withJsonLines(text, problems) }
}
