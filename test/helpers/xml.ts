import { XMLParser, XMLValidator } from 'fast-xml-parser'

/** Parses a response the way a strict client would: validate first, keep values as raw strings. */
export function parseXml(
  text: string,
  arrays: readonly string[] = [],
  decoding: { htmlEntities?: boolean } = {},
): Record<string, unknown> {
  const valid = XMLValidator.validate(text)
  if (valid !== true) throw new Error(`invalid XML: ${valid.err.msg} at line ${valid.err.line}`)
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: true,
    ...decoding,
    isArray: (name) => arrays.includes(name),
  })
  return parser.parse(text) as Record<string, unknown>
}
