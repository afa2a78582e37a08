// No route declares a JSON schema: requests are read and checked by hand (routes/, xml-input/). Fastify
// loads ajv and fast-json-stringify for its default schema compilers when the app is built, a tenth of
// a second of start-up (issue 9); these stand-ins keep them unloaded and say why if a schema appears.
const refuse = (kind: string) => () => {
  throw new Error(`route ${kind} schemas are not supported: mailsetup checks requests by hand`)
}

/** Fastify's `schemaController` option. */
export const NO_SCHEMA_COMPILERS = {
  compilersFactory: { buildValidator: refuse('validation'), buildSerializer: refuse('response') },
}
