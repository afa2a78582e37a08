// Namespaces of POX Autodiscover (MS-OXDSCLI 2.2.1, MS-ASCMD 2.2.2.1). Always `http://`: clients
// compare them as strings.

/** The outer `<Autodiscover>` of every response. */
export const RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006'

/** Outlook, eM Client, Thunderbird, GNOME, FairEmail. */
export const OUTLOOK_SCHEMA =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'

/** ActiveSync devices and the new Outlook app. */
export const MOBILESYNC_SCHEMA =
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006'

export type ResponseSchema = 'outlook' | 'mobilesync'

const SCHEMAS: Readonly<Record<ResponseSchema, string>> = {
  outlook: OUTLOOK_SCHEMA,
  mobilesync: MOBILESYNC_SCHEMA,
}

/** The known schema a request asked for, or undefined: the requested URI is never echoed back. */
export function matchSchema(requested: string): ResponseSchema | undefined {
  if (requested === OUTLOOK_SCHEMA) return 'outlook'
  if (requested === MOBILESYNC_SCHEMA) return 'mobilesync'
  return undefined
}

export function schemaNamespace(schema: ResponseSchema): string {
  return SCHEMAS[schema]
}
