// The POX reading rules of CLIENTS.md §2, written independently of the renderer, as a list of violations.
import { XMLParser, XMLValidator } from 'fast-xml-parser'

/** Validates, then parses with values as strings; whitespace between elements is dropped (checked apart). */
export function parsePoxXml(body: string, arrays: readonly string[] = []): Record<string, unknown> {
  const valid = XMLValidator.validate(body)
  if (valid !== true) throw new Error(`invalid XML: ${valid.err.msg}`)
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: true,
    isArray: (name) => arrays.includes(name),
  })
  return parser.parse(body) as Record<string, unknown>
}

/** A value deep in a parsed document, by path: `at(doc, 'Autodiscover', 'Response', 'User')`. */
export function at(tree: unknown, ...path: string[]): unknown {
  let node = tree
  for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key]
  return node
}

export type ProtocolView = Record<string, unknown> & { Type?: string; '@Type'?: string }

export interface PoxView {
  outerNs: string
  responseNs: string | undefined
  action?: string
  accountType?: string
  protocols: ProtocolView[]
  redirectAddr?: string
  redirectUrl?: string
  error?: { code: string; message: string; time: string; id: string }
  response: Record<string, unknown>
}

export function parsePox(body: string): PoxView {
  const root = parsePoxXml(body, ['Protocol']).Autodiscover as Record<string, unknown>
  const response = root.Response as Record<string, unknown>
  const account = response.Account as Record<string, unknown> | undefined
  const error = response.Error as Record<string, unknown> | undefined
  return {
    outerNs: root['@xmlns'] as string,
    responseNs: response['@xmlns'] as string | undefined,
    action: account?.Action as string | undefined,
    accountType: account?.AccountType as string | undefined,
    protocols: (account?.Protocol as ProtocolView[] | undefined) ?? [],
    redirectAddr: account?.RedirectAddr as string | undefined,
    redirectUrl: account?.RedirectUrl as string | undefined,
    ...(error && {
      error: {
        code: error.ErrorCode as string,
        message: error.Message as string,
        time: error['@Time'] as string,
        id: error['@Id'] as string,
      },
    }),
    response,
  }
}

export const typeOf = (p: ProtocolView) => p.Type ?? p['@Type']

const MAIL = new Set(['IMAP', 'POP3', 'SMTP'])
const EXCHANGE_STYLE = new Set(['EXCH', 'EXPR', 'WEB'])
// Thunderbird infers STARTTLS only on these ports; FairEmail only on 143/587.
const THUNDERBIRD_STARTTLS = new Set(['143', '110', '25', '587'])
const FAIREMAIL_STARTTLS = new Set(['143', '587'])

function mailViolations(p: ProtocolView, where: string): string[] {
  const out: string[] = []
  if (!/^\d{1,5}$/.test(String(p.Port ?? '')))
    out.push(`${where}: Port missing or not a number (Thunderbird)`)
  if (typeof p.LoginName !== 'string' || p.LoginName === '')
    out.push(`${where}: LoginName empty (Thunderbird)`)
  if (p.Encryption !== 'SSL' && p.Encryption !== 'TLS') out.push(`${where}: Encryption ${p.Encryption}`)
  if (p.Encryption === 'TLS' && !THUNDERBIRD_STARTTLS.has(String(p.Port)))
    out.push(`${where}: STARTTLS on port ${p.Port} (Thunderbird infers it only on 143/110/25/587)`)
  if (p.SPA !== 'off') out.push(`${where}: SPA must be off (on means NTLM)`)
  return out
}

function fairEmailViolations(protocols: ProtocolView[]): string[] {
  const out: string[] = []
  for (const type of ['IMAP', 'SMTP']) {
    const last = protocols.filter((p) => typeOf(p) === type).at(-1)
    if (last === undefined) continue
    const startTls = FAIREMAIL_STARTTLS.has(String(last.Port))
    if ((last.Encryption === 'TLS') !== startTls)
      out.push(
        `last ${type}: Encryption ${last.Encryption} on port ${last.Port} (FairEmail infers from the port)`,
      )
  }
  return out
}

/** Every rule a settings answer can break for Outlook, Thunderbird, FairEmail and GNOME; empty when all accept it. */
export function poxViolations(response: {
  statusCode: number
  headers: Record<string, unknown>
  body: string
}) {
  if (response.statusCode !== 200) return [`status ${response.statusCode} (Outlook moves on)`]
  const out: string[] = []
  const type = String(response.headers['content-type'])
  if (!type.startsWith('text/xml') && !type.startsWith('application/xml')) out.push(`content-type ${type}`)
  if (!response.body.startsWith('<?xml')) out.push('something precedes <?xml')
  if (/<\/?[A-Za-z]+:[A-Za-z]/.test(response.body)) out.push('namespace prefix on an element')
  if (/>[ \t\r\n]+[^<\s]|[^>\s][ \t\r\n]+<\//.test(response.body))
    out.push('whitespace inside a text element')
  const view = parsePox(response.body)
  if (view.accountType !== 'email' || view.action !== 'settings') out.push('Account is not email/settings')
  const types = view.protocols.map(typeOf)
  if (types.includes('POP')) out.push('Type POP (Outlook wants POP3)')
  const firstMail = types.findIndex((t) => MAIL.has(t as string))
  if (firstMail !== -1 && types.some((t, i) => EXCHANGE_STYLE.has(t as string) && i > firstMail))
    out.push('EXCH/EXPR/WEB after a mail protocol (Thunderbird overwrites its IMAP choice)')
  if (types.some((t) => t === 'EXCH' || t === 'EXPR')) {
    const first = view.protocols[0] as ProtocolView
    if (first.ASUrl === undefined || first.OABUrl === undefined)
      out.push('first Protocol lacks ASUrl or OABUrl (GNOME Online Accounts)')
  }
  for (const [i, p] of view.protocols.entries())
    if (MAIL.has(typeOf(p) as string)) out.push(...mailViolations(p, `Protocol[${i}] ${typeOf(p)}`))
  out.push(...fairEmailViolations(view.protocols))
  return out
}
