// `npm run generate:config-check`: rewrites src/settings/config-check.generated.ts from the built
// schema (run after changing src/settings/schema.ts).
import { writeFileSync } from 'node:fs'
import { configCheckModule, GENERATED_CHECK_FILE } from '../dist/settings/config-check-source.js'

writeFileSync(new URL(`../${GENERATED_CHECK_FILE}`, import.meta.url), configCheckModule())
console.log(`wrote ${GENERATED_CHECK_FILE}`)
