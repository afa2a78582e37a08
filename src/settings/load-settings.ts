import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Document, LineCounter } from 'yaml'
import { buildSettings } from './build-settings.js'
import type { Problem, Settings } from './model.js'
import { ProblemList, SettingsError } from './problems.js'
import { type ParsedConfig, readJsonConfig } from './read-json.js'
import { validateSchema } from './validate-schema.js'

export interface LoadedSettings {
  readonly settings: Settings
  /** Risky but usable choices, to log at start-up and print in `mailsetup validate`. */
  readonly warnings: readonly Problem[]
}

/** `domains[1].incoming[0]` → ['domains', 1, 'incoming', 0]. */
function pathKeys(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
    m[2] === undefined ? (m[1] as string) : Number(m[2]),
  )
}

/** The line of the deepest node on the path that exists in the file. */
function lineOf(doc: Document, counter: LineCounter, path: string): number | undefined {
  const keys = pathKeys(path)
  while (keys.length > 0) {
    const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined
    if (node?.range !== undefined) return counter.linePos(node.range[0]).line
    keys.pop()
  }
  return undefined
}

/** Plain data from the YAML document; alias bombs ("billion laughs") are refused, not expanded. */
function toValue(doc: Document, source: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 })
  } catch (error) {
    throw new SettingsError(source, [{ path: '(yaml)', message: (error as Error).message }])
  }
}

// Loaded on first use: a JSON config (the documented format for huge configs) never needs the YAML
// parser, and `serve` starts faster without it (issue 9). Synchronous, as loading settings is.
let yaml: typeof import('yaml') | undefined

/** YAML text to plain data; syntax errors and alias bombs throw with their line. */
function readYamlConfig(text: string, source: string): ParsedConfig {
  yaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml')
  const { LineCounter, parseDocument } = yaml
  const counter = new LineCounter()
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false })
  if (doc.errors.length > 0) {
    throw new SettingsError(
      source,
      doc.errors.map((e) => ({
        path: '(yaml)',
        message: e.message.split('\n')[0] as string,
        line: counter.linePos(e.pos[0]).line,
      })),
    )
  }
  return {
    value: toValue(doc, source),
    withLines: (problems) => problems.map((p) => ({ ...p, line: lineOf(doc, counter, p.path) })),
  }
}

/** Parses and validates config text; throws SettingsError listing every problem with its path. */
export function parseSettings(text: string, source: string): LoadedSettings {
  const { value, withLines } = readJsonConfig(text) ?? readYamlConfig(text, source)
  const { config, problems: schemaProblems } = validateSchema(value)
  if (config === undefined) throw new SettingsError(source, withLines(schemaProblems))
  const problems = new ProblemList()
  const settings = buildSettings(config, source, problems)
  if (problems.errors.length > 0) throw new SettingsError(source, withLines(problems.errors))
  return { settings, warnings: withLines(problems.warnings) }
}

/** A config file's text; an unreadable file is reported like any other problem. */
export function readConfigText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException
    throw new SettingsError(path, [{ path: '(file)', message: `cannot read the file (${code})` }])
  }
}

/** Reads and parses a config file; throws SettingsError listing every problem. */
export function loadSettings(path: string): LoadedSettings {
  return parseSettings(readConfigText(path), path)
}
