/** Query values arrive as string, array (repeated key) or missing; the first one wins. */
export function queryValue(query: unknown, ...names: string[]): string | undefined {
  const record = query as Record<string, string | string[] | undefined>
  for (const name of names) {
    const value = record[name]
    const first = Array.isArray(value) ? value[0] : value
    if (first !== undefined) return first
  }
  return undefined
}
