// Apple XML property lists (the "PropertyList-1.0" DTD), written through xml.ts like every other format.
import { type XmlElement, el, renderXmlDocument } from './xml.js'

export type PlistValue = string | number | boolean | readonly PlistValue[] | PlistDict
/**
 * Key order is kept. `undefined` and empty-string entries are left out: optional keys read inline,
 * and no key is ever empty (iOS refuses a whole profile over an empty numeric key, CLIENTS.md §3).
 */
export interface PlistDict {
  readonly [key: string]: PlistValue | undefined
}

export const PLIST_DOCTYPE =
  '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">'

function plistElement(value: PlistValue): XmlElement {
  if (typeof value === 'string') return el('string', value)
  if (typeof value === 'boolean') return el(value ? 'true' : 'false')
  if (typeof value === 'number') {
    // Only integers are written: ports and versions, which iOS refuses as <real> or <string>.
    if (!Number.isInteger(value)) throw new TypeError(`plist integer expected, got ${value}`)
    return el('integer', String(value))
  }
  if (Array.isArray(value)) return el('array', value.map(plistElement))
  const children: XmlElement[] = []
  for (const [key, item] of Object.entries(value as PlistDict)) {
    if (item === undefined || item === '') continue
    children.push(el('key', key), plistElement(item))
  }
  return el('dict', children)
}

/** A whole plist document with `root` (a dict for configuration profiles) as its only value. */
export function renderPlist(root: PlistDict): string {
  return renderXmlDocument(el('plist', [plistElement(root)], { version: '1.0' }), PLIST_DOCTYPE)
}
