// The key types of Apple's Configuration Profile Reference (TopLevel, CommonPayloadKeys,
// com.apple.mail.managed, com.apple.caldav/carddav.account, com.apple.eas.account) and the rules of
// CLIENTS.md §3, written independently of the renderer, as a list of violations.
import type { TypedValue } from './plist.js'

type Spec = Record<string, { type: TypedValue['type']; required?: boolean; oneOf?: readonly unknown[] }>

const COMMON: Spec = {
  PayloadType: { type: 'string', required: true },
  PayloadVersion: { type: 'integer', required: true, oneOf: [1] },
  PayloadIdentifier: { type: 'string', required: true },
  PayloadUUID: { type: 'string', required: true },
  PayloadDisplayName: { type: 'string' },
  PayloadDescription: { type: 'string' },
  PayloadOrganization: { type: 'string' },
}

const AUTH = ['EmailAuthNone', 'EmailAuthPassword', 'EmailAuthCRAMMD5', 'EmailAuthNTLM', 'EmailAuthHTTPMD5']

const server = (prefix: string): Spec => ({
  [`${prefix}MailServerHostName`]: { type: 'string', required: true },
  [`${prefix}MailServerPortNumber`]: { type: 'integer' },
  [`${prefix}MailServerUseSSL`]: { type: 'boolean' },
  [`${prefix}MailServerUsername`]: { type: 'string' },
  [`${prefix}MailServerAuthentication`]: { type: 'string', required: true, oneOf: AUTH },
})

const dav = (prefix: string): Spec => ({
  [`${prefix}AccountDescription`]: { type: 'string' },
  [`${prefix}HostName`]: { type: 'string', required: true },
  [`${prefix}Username`]: { type: 'string' },
  [`${prefix}PrincipalURL`]: { type: 'string' },
  [`${prefix}UseSSL`]: { type: 'boolean' },
  [`${prefix}Port`]: { type: 'integer' },
})

export const PAYLOAD_SPECS: Record<string, Spec> = {
  Configuration: {
    ...COMMON,
    PayloadType: { type: 'string', required: true, oneOf: ['Configuration'] },
    PayloadContent: { type: 'array', required: true },
  },
  'com.apple.mail.managed': {
    ...COMMON,
    EmailAccountDescription: { type: 'string' },
    EmailAccountName: { type: 'string' },
    EmailAccountType: { type: 'string', required: true, oneOf: ['EmailTypeIMAP', 'EmailTypePOP'] },
    EmailAddress: { type: 'string' },
    ...server('Incoming'),
    ...server('Outgoing'),
    OutgoingPasswordSameAsIncomingPassword: { type: 'boolean' },
  },
  'com.apple.caldav.account': { ...COMMON, ...dav('CalDAV') },
  'com.apple.carddav.account': { ...COMMON, ...dav('CardDAV') },
  'com.apple.eas.account': {
    ...COMMON,
    EmailAddress: { type: 'string' },
    Host: { type: 'string' },
    SSL: { type: 'boolean' },
    UserName: { type: 'string' },
  },
}

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/
const REVERSE_DNS = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/
const PASSWORD_KEYS = /Password$/

function dictViolations(dict: Map<string, TypedValue>, where: string): string[] {
  const type = dict.get('PayloadType')
  const spec = PAYLOAD_SPECS[type?.value as string]
  if (spec === undefined) return [`${where}: unknown PayloadType ${String(type?.value)}`]
  const out: string[] = []
  for (const [key, rule] of Object.entries(spec)) {
    if (rule.required && !dict.has(key)) out.push(`${where}: required ${key} missing`)
  }
  for (const [key, value] of dict) {
    const rule = spec[key]
    if (rule === undefined) out.push(`${where}: ${key} is not a ${type?.value} key`)
    else if (rule.type !== value.type)
      out.push(`${where}: ${key} is <${value.type}>, Apple wants <${rule.type}>`)
    else if (rule.oneOf !== undefined && !rule.oneOf.includes(value.value))
      out.push(`${where}: ${key} = ${String(value.value)} is not one of ${rule.oneOf.join(', ')}`)
    if (value.type === 'string' && value.value === '') out.push(`${where}: ${key} is empty (iOS refuses it)`)
    if (PASSWORD_KEYS.test(key) && value.type === 'string') out.push(`${where}: ${key} embeds a password`)
  }
  const uuid = dict.get('PayloadUUID')?.value
  if (typeof uuid === 'string' && !UUID.test(uuid)) out.push(`${where}: PayloadUUID ${uuid} is not a UUID`)
  const id = dict.get('PayloadIdentifier')?.value
  if (typeof id === 'string' && !REVERSE_DNS.test(id))
    out.push(`${where}: PayloadIdentifier ${id} is not reverse DNS`)
  return out
}

/** Every rule a configuration profile can break; empty when iOS and macOS accept it. */
export function profileViolations(root: TypedValue): string[] {
  if (root.type !== 'dict') return ['top level is not a dict']
  const out = dictViolations(root.value, 'profile')
  const content = root.value.get('PayloadContent')
  const payloads = content?.type === 'array' ? content.value : []
  if (payloads.length === 0) out.push('PayloadContent is empty')
  const ids = [root.value.get('PayloadIdentifier')?.value]
  const uuids = [root.value.get('PayloadUUID')?.value]
  for (const [i, payload] of payloads.entries()) {
    if (payload.type !== 'dict') {
      out.push(`PayloadContent[${i}] is not a dict`)
      continue
    }
    out.push(...dictViolations(payload.value, `PayloadContent[${i}]`))
    ids.push(payload.value.get('PayloadIdentifier')?.value)
    uuids.push(payload.value.get('PayloadUUID')?.value)
  }
  if (new Set(ids).size !== ids.length) out.push('PayloadIdentifiers are not unique within the profile')
  if (new Set(uuids).size !== uuids.length) out.push('PayloadUUIDs are not unique within the profile')
  return out
}
