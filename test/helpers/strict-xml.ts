import { parseXml } from './xml.js'

/**
 * Parses XML as a conforming parser hands values to a client: well-formedness checked first, entity and
 * character references decoded, whitespace kept. Raw tabs or newlines in an attribute value are reported,
 * since a conforming parser would turn them into spaces (XML 1.0 §3.3.3).
 */
export function parseStrictXml(text: string, arrays: readonly string[] = []): Record<string, unknown> {
  for (const [, value] of text.matchAll(/\s[A-Za-z_:][-\w:.]*="([^"]*)"/g)) {
    if (/[\t\n\r]/.test(value as string)) throw new Error('raw tab or line break inside an attribute value')
  }
  return parseXml(text, arrays, { htmlEntities: true })
}
