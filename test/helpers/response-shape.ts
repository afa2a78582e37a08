// What every answer must look like, whatever was asked: the checks of the fuzz suite (issue 5).
import { XMLValidator } from 'fast-xml-parser'

export interface Answer {
  statusCode: number
  headers: Record<string, string | string[] | number | undefined>
  body: string
}

/** Problems with one answer; empty when it is well-formed. `method` HEAD answers have no body. */
export function answerProblems(method: string, answer: Answer, canary: string): string[] {
  const out: string[] = []
  const { statusCode, headers, body } = answer
  const type = String(headers['content-type'] ?? '')
  if (statusCode >= 500) out.push(`status ${statusCode}`)
  if (headers['x-content-type-options'] !== 'nosniff') out.push('no nosniff')
  if (!String(headers['content-security-policy'] ?? '').includes("default-src 'none'"))
    out.push('no strict CSP')
  if (headers.server !== undefined || headers['x-powered-by'] !== undefined) out.push('server disclosed')
  if (statusCode === 405 && headers.allow === undefined) out.push('405 without Allow')
  if (statusCode === 429 && !/^\d+$/.test(String(headers['retry-after']))) out.push('429 without Retry-After')
  if (method === 'HEAD' || statusCode === 204 || statusCode === 304) return out
  if (type === '') {
    if (body !== '' && !(statusCode >= 300 && statusCode < 400)) out.push('body without a content type')
  } else if (type.startsWith('text/plain')) {
    if (!/^[^\n]*\n$/.test(body)) out.push(`plain text is not one line: ${JSON.stringify(body.slice(0, 80))}`)
    if (statusCode >= 400 && body.includes(canary)) out.push('error echoes the request')
  } else if (/[/+]xml\b/.test(type)) {
    const valid = XMLValidator.validate(body)
    if (valid !== true) out.push(`malformed XML: ${valid.err.msg}`)
  } else if (/[/+]json\b/.test(type)) {
    try {
      JSON.parse(body)
    } catch {
      out.push('malformed JSON')
    }
  } else if (type.startsWith('text/html')) {
    if (!/^<!doctype html>/i.test(body)) out.push('HTML without doctype')
    if (/unsafe-inline|unsafe-eval/.test(String(headers['content-security-policy'])))
      out.push('weak CSP on HTML')
  } else if (type.startsWith('application/x-apple-aspen-config')) {
    // An unsigned profile is an XML plist; a signed one is DER (CMS), checked by the profile tests.
    const valid = body.startsWith('<?xml') ? XMLValidator.validate(body) : true
    if (valid !== true) out.push(`malformed plist: ${valid.err.msg}`)
  } else {
    out.push(`unexpected content type ${type}`)
  }
  return out
}
