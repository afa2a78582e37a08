import { XMLParser, XMLValidator } from 'fast-xml-parser'
import type { CheckResponse, Judgement, ServerSummary } from './types.js'

/** Collects what a client would take from an answer, and every rule the answer breaks. */
export class Findings {
  readonly servers: ServerSummary[] = []
  readonly problems: string[] = []
  readonly notes: string[] = []

  /** Records `problem` unless `ok`; returns `ok` so a caller can stop at a fatal problem. */
  expect(ok: boolean, problem: string): boolean {
    if (!ok) this.problems.push(problem)
    return ok
  }

  judgement(): Judgement {
    const { servers, problems, notes } = this
    return { verdict: problems.length === 0 ? 'pass' : 'fail', servers, problems, notes }
  }
}

export function unavailable(note: string): Judgement {
  return { verdict: 'unavailable', servers: [], problems: [], notes: [note] }
}

/** The service's answer for a path it has no route for (a format this version does not serve). */
export function isMissingRoute(response: CheckResponse): boolean {
  return (response.status === 404 || response.status === 405) && response.body.trim() === 'not found'
}

/** Status and Content-Type; false when there is no document to read further. */
export function expectDocument(
  response: CheckResponse,
  findings: Findings,
  rule: { readonly types: readonly string[]; readonly client: string },
): boolean {
  const firstLine = response.body.split('\n')[0]?.slice(0, 120)
  if (
    !findings.expect(
      response.status === 200,
      `status ${response.status}, not 200 (${rule.client}): ${firstLine}`,
    )
  )
    return false
  const type = response.headers['content-type'] ?? ''
  return findings.expect(
    rule.types.some((t) => type.startsWith(t)),
    `Content-Type "${type}", not ${rule.types.join(' or ')} (${rule.client})`,
  )
}

/** Parses XML the way a strict client does: well-formed or nothing; prefixes dropped, values as text. */
export function parseXml(
  body: string,
  findings: Findings,
  arrays: readonly string[],
): Record<string, unknown> | undefined {
  const valid = XMLValidator.validate(body)
  if (!findings.expect(valid === true, 'the document is not well-formed XML')) return undefined
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: true,
    isArray: (name) => arrays.includes(name),
  })
  return parser.parse(body) as Record<string, unknown>
}

/** A child element as a record (missing or text-only children read as empty). */
export function child(node: unknown, name: string): Record<string, unknown> {
  const value = (node as Record<string, unknown> | undefined)?.[name]
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

export function text(node: unknown, name: string): string | undefined {
  const value = (node as Record<string, unknown> | undefined)?.[name]
  return typeof value === 'string' ? value : undefined
}

export function list(node: unknown, name: string): Record<string, unknown>[] {
  const value = (node as Record<string, unknown> | undefined)?.[name]
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : []
}
