import type { TSchema } from '@sinclair/typebox'
import { ValueErrorType } from '@sinclair/typebox/errors'
import { Value } from '@sinclair/typebox/value'
import type { Problem } from './model.js'
import { type ConfigFile, ConfigFileSchema } from './schema.js'

/** `/domains/1/incoming/0/port` → `domains[1].incoming[0].port`: the form operators read in messages. */
export function pointerToPath(pointer: string): string {
  let out = ''
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~')
    out += /^\d+$/.test(key) ? `[${key}]` : out === '' ? key : `.${key}`
  }
  return out === '' ? '(top level)' : out
}

function describe(type: ValueErrorType, schema: TSchema, message: string): string {
  if (type === ValueErrorType.ObjectAdditionalProperties) return 'unknown key'
  const choices = (schema.anyOf as TSchema[] | undefined)
    ?.map((branch) => branch.const)
    .filter((c) => c !== undefined)
  if (type === ValueErrorType.Union && choices !== undefined && choices.length > 0) {
    return `must be one of: ${choices.join(', ')}`
  }
  return message.charAt(0).toLowerCase() + message.slice(1)
}

/** Every schema problem at once, one line per path (TypeBox reports each failed union branch too). */
export function validateSchema(value: unknown): { config?: ConfigFile; problems: Problem[] } {
  const seen = new Set<string>()
  const problems: Problem[] = []
  for (const error of Value.Errors(ConfigFileSchema, value)) {
    const path = pointerToPath(error.path)
    if (seen.has(path)) continue
    seen.add(path)
    problems.push({ path, message: describe(error.type, error.schema, error.message) })
  }
  return problems.length === 0 ? { config: value as ConfigFile, problems } : { problems }
}
