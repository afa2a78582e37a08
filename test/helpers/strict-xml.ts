import { XMLParser, XMLValidator } from 'fast-xml-parser'

/**
 * Parses XML as a conforming parser hands values to a client: well-formedness checked first, entity and
 * character references decoded, whitespace kept. Raw tabs or newlines in an attribute value are reported,
 * since a conforming parser would turn them into spaces (XML 1.0 §3.3.3).
 */
export function parseStrictXml(text: string, arrays: readonly string[] = []): Record<string, unknown> {
  const valid = XMLValidator.validate(text)
  if (valid !== true) throw new Error(`invalid XML: ${valid.err.msg} at line ${valid.err.line}`)
  for (const [, value] of text.matchAll(/\s[A-Za-z_:][-\w:.]*="([^"]*)"/g)) {
    if (/[\t\n\r]/.test(value as string)) throw new Error('raw tab or line break inside an attribute value')
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: true,
    htmlEntities: true,
    isArray: (name) => arrays.includes(name),
  })
  return parser.parse(text) as Record<string, unknown>
}
