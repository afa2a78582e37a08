// Preloaded with `node --import` by test/startup-modules.test.ts: at exit, writes to $RECORD_MODULES
// every module the process loaded, ES modules as seen by a loader hook and CommonJS ones from
// require.cache (modules loaded with createRequire do not pass the ES module hooks).
import { appendFileSync } from 'node:fs'
import { createRequire, register } from 'node:module'

const file = process.env.RECORD_MODULES
register('./record-modules-hooks.mjs', { parentURL: import.meta.url, data: { file } })
process.on('exit', () => {
  const commonJs = Object.keys(createRequire(import.meta.url).cache)
  appendFileSync(file, commonJs.map((path) => `${path}\n`).join(''))
})
