import { createRequire } from 'node:module'
import type { TSchema } from '@sinclair/typebox'
import type * as TypeBoxErrors from '@sinclair/typebox/errors'
import type { ValueErrorType } from '@sinclair/typebox/errors'
import { checkConfigShape } from './config-check.generated.js'
import type { Problem } from './model.js'
import { type ConfigFile, configSchemas } from './schema.js'

// TypeBox's error walk, loaded for a config that fails the check (see schema.ts). `Value.Errors`
// re-exports this module; requiring it directly spares the whole value module.
let errorsModule: typeof TypeBoxErrors | undefined
const typeBoxErrors = () => {
  errorsModule ??= createRequire(import.meta.url)('@sinclair/typebox/errors') as typeof TypeBoxErrors
  return errorsModule
}

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
  const { ValueErrorType } = typeBoxErrors()
  if (type === ValueErrorType.ObjectAdditionalProperties) return 'unknown key'
  const choices = (schema.anyOf as TSchema[] | undefined)
    ?.map((branch) => branch.const)
    .filter((c) => c !== undefined)
  if (type === ValueErrorType.Union && choices !== undefined && choices.length > 0) {
    return `must be one of: ${choices.join(', ')}`
  }
  return message.charAt(0).toLowerCase() + message.slice(1)
}

/** The object branch of an `object | null` union, when the value is an object: its errors are the useful ones. */
function objectBranch(schema: TSchema, value: unknown): TSchema | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  return (schema.anyOf as TSchema[] | undefined)?.find((branch) => branch.type === 'object')
}

function* schemaErrors(
  schema: TSchema,
  value: unknown,
  prefix: string,
): Generator<{ path: string; message: string }> {
  const { Errors, ValueErrorType } = typeBoxErrors()
  for (const error of Errors(schema, value)) {
    const branch = error.type === ValueErrorType.Union ? objectBranch(error.schema, error.value) : undefined
    if (branch === undefined) {
      yield { path: prefix + error.path, message: describe(error.type, error.schema, error.message) }
    } else {
      // `exchange: {outlook: wrong}` is reported at exchange.outlook, not as "expected union value".
      yield* schemaErrors(branch, error.value, prefix + error.path)
    }
  }
}

// The generated check answers "valid?" for 100,000 domains in milliseconds; TypeBox's error walk takes
// seconds there, so it runs only for a config that has problems to list (issue 9).
const isConfigFile = checkConfigShape as (value: unknown) => value is ConfigFile

/** Every schema problem at once, one line per path (TypeBox reports each failed union branch too). */
export function validateSchema(value: unknown): { config?: ConfigFile; problems: Problem[] } {
  if (isConfigFile(value)) return { config: value, problems: [] }
  const seen = new Set<string>()
  const problems: Problem[] = []
  for (const error of schemaErrors(configSchemas().ConfigFileSchema, value, '')) {
    const path = pointerToPath(error.path)
    if (seen.has(path)) continue
    seen.add(path)
    problems.push({ path, message: error.message })
  }
  // The compiled check and the error walk apply the same schema: a value that fails has errors.
  return { problems }
}
