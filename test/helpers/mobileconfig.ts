import { parsePlist, plain, type TypedValue } from './plist.js'
import { appFor, baseConfig } from './settings.js'

export type Json = Record<string, unknown>

export const DAV = {
  caldavUrl: 'https://dav.test.example/caldav/',
  carddavUrl: 'https://dav.test.example:8443/card/',
}
export const POP_ONLY = [
  { type: 'pop3', hostname: 'pop.test.example', port: 995, security: 'tls' },
  { type: 'pop3', hostname: 'pop.test.example', port: 110, security: 'starttls' },
]

export function withDefaults(extra: Json): Json {
  const config = baseConfig()
  return { ...config, defaults: { ...(config.defaults as Json), ...extra } }
}

export async function fetchProfile(config: Json, query = 'email=alice@test.example') {
  const app = appFor(config)
  const response = await app.inject({ url: `/email.mobileconfig?${query}` })
  await app.close()
  return response
}

export async function profileOf(config: Json, query?: string) {
  const response = await fetchProfile(config, query)
  if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}: ${response.body}`)
  const root = parsePlist(response.body)
  return { response, root, doc: plain(root) as Json }
}

export function payloads(root: TypedValue): TypedValue[] {
  const content = (root as { value: Map<string, TypedValue> }).value.get('PayloadContent')
  return (content as { value: TypedValue[] }).value
}

export const payloadTypes = (doc: Json) => (doc.PayloadContent as Json[]).map((p) => p.PayloadType)
