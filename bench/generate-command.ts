// `npm run bench:generate -- --domains 100000 [--format json|yaml] [--out file]`: a config at scale.
import { writeFileSync } from 'node:fs'
import { DEFAULT_GENERATE_OPTIONS, generateConfig } from './generate-config.js'

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`)
  return at === -1 ? undefined : process.argv[at + 1]
}

const domains = Number(flag('domains') ?? DEFAULT_GENERATE_OPTIONS.domains)
const format = flag('format') ?? 'json'
if (!Number.isInteger(domains) || domains < 1 || (format !== 'json' && format !== 'yaml')) {
  process.stderr.write('usage: npm run bench:generate -- --domains <n> [--format json|yaml] [--out file]\n')
  process.exit(2)
}
const out = flag('out') ?? `bench/results/domains-${domains}.${format}`
writeFileSync(out, generateConfig({ ...DEFAULT_GENERATE_OPTIONS, domains, format }))
process.stdout.write(`${out}: ${domains} domains\n`)
