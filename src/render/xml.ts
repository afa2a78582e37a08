// The one escaping path for every XML document we write (autoconfig, Autodiscover, plist).

// Tab, line feed and carriage return as character references: a parser turns them into spaces inside
// attribute values and a lone CR into LF everywhere (XML 1.0 §2.11, §3.3.3), so only this way they survive.
const XML_SPECIAL = /[&<>"'\t\n\r]/g
const XML_ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
}
// Characters XML 1.0 cannot carry at all (§2.2), even escaped.
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g

// Either of the two above: most text (every plain address) has neither and is returned as it is.
const XML_UNSAFE = /[&<>"'\t\n\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/

/** Escapes text for element content and attribute values alike. */
export function escapeXml(text: string): string {
  if (!XML_UNSAFE.test(text)) return text
  return text.replace(XML_INVALID, '\ufffd').replace(XML_SPECIAL, (c) => XML_ENTITY[c] as string)
}

export interface XmlElement {
  readonly name: string
  readonly attributes?: Readonly<Record<string, string>>
  /** Text content, or child elements; never both (mixed content is not needed by any format). */
  readonly text?: string
  readonly children?: readonly (XmlElement | undefined | false)[]
}

/** An element; `undefined` and `false` children are skipped, so optional parts read inline. */
export function el(
  name: string,
  content?: string | readonly (XmlElement | undefined | false)[],
  attributes?: Readonly<Record<string, string>>,
): XmlElement {
  const base = attributes === undefined ? { name } : { name, attributes }
  if (content === undefined) return base
  return typeof content === 'string' ? { ...base, text: content } : { ...base, children: content }
}

function writeElement(node: XmlElement, indent: string, out: string[]): void {
  let open = `${indent}<${node.name}`
  for (const [key, value] of Object.entries(node.attributes ?? {})) open += ` ${key}="${escapeXml(value)}"`
  const children = (node.children ?? []).filter((c): c is XmlElement => c !== undefined && c !== false)
  if (node.text !== undefined) {
    // No whitespace inside text elements: K-9 and FairEmail fail on it in hostname and port.
    out.push(`${open}>${escapeXml(node.text)}</${node.name}>`)
  } else if (children.length === 0) {
    out.push(`${open}/>`)
  } else {
    out.push(`${open}>`)
    for (const child of children) writeElement(child, `${indent}  `, out)
    out.push(`${indent}</${node.name}>`)
  }
}

/** A whole document: declaration first with nothing before it (Thunderbird and Evolution need that), no BOM. */
export function renderXmlDocument(root: XmlElement, doctype?: string): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>']
  if (doctype !== undefined) out.push(doctype)
  writeElement(root, '', out)
  return `${out.join('\n')}\n`
}
