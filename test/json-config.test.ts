// Configs written as JSON take JSON.parse instead of the YAML parser (issue 9). Whatever the reader,
// a file must give the same settings, the same problems, and a line for every problem.
import t from 'tap'
import { parseSettings } from '../src/settings/load-settings.js'
import type { Problem } from '../src/settings/model.js'
import { SettingsError } from '../src/settings/problems.js'
import { readJsonConfig } from '../src/settings/read-json.js'
import { baseConfig } from './helpers/settings.js'

function problemsOf(text: string): readonly Problem[] {
  try {
    parseSettings(text, 'config.json')
  } catch (error) {
    if (error instanceof SettingsError) return error.problems
    throw error
  }
  return []
}

// A leading comment is not JSON, so the YAML parser reads the same document, one line further down.
const asYaml = (json: string) => `# read as YAML\n${json}`

const broken = baseConfig({
  provider: { id: 'not a host', name: 'x'.repeat(61), shortName: 'ok', extra: 1 },
  domains: [
    {
      name: 'a.example',
      incoming: [{ type: 'imap', hostname: 'imap.a.example', port: 70000, security: 'tls' }],
    },
    { name: 'b.example', aliases: ['a.example'], webmail: 5 },
    { name: 'c.example', aliases: ['a.example'] },
  ],
})

t.test('a JSON config gives the settings its YAML reading gives', async (t) => {
  const json = JSON.stringify(
    baseConfig({
      domains: [{ name: 'test.example', aliases: ['test.example.net'] }, { name: 'Other.Example' }],
    }),
    null,
    2,
  )
  const fromJson = parseSettings(json, 'config.json')
  const fromYaml = parseSettings(asYaml(json), 'config.json')
  t.same(fromJson.settings.domains, fromYaml.settings.domains)
  t.same([...fromJson.settings.lookup.keys()], ['test.example', 'test.example.net', 'other.example'])
  t.same(fromJson.settings.profiles, fromYaml.settings.profiles)
})

t.test('problems in a JSON config: same paths and messages, each with its line', async (t) => {
  for (const json of [JSON.stringify(broken, null, 2), JSON.stringify(broken)]) {
    const fromJson = problemsOf(json)
    const fromYaml = problemsOf(asYaml(json))
    t.ok(fromJson.length >= 4, 'schema problems found')
    t.same(
      fromJson.map((p) => [p.path, p.message]),
      fromYaml.map((p) => [p.path, p.message]),
    )
    t.same(
      fromJson.map((p) => p.line),
      fromYaml.map((p) => (p.line === undefined ? undefined : p.line - 1)),
    )
  }
  const multiLine = problemsOf(JSON.stringify(broken, null, 2))
  t.ok(multiLine.every((p) => typeof p.line === 'number' && p.line > 1))
})

t.test('semantic problems and warnings of a JSON config have lines too', async (t) => {
  const config = baseConfig({
    domains: [
      { name: 'a.example', username: 'shared-login' },
      { name: 'b.example', aliases: ['a.example'] },
    ],
  })
  const json = JSON.stringify(config, null, 2)
  const errors = problemsOf(json)
  t.match(errors, [{ path: 'domains[1].aliases[0]', message: /more than once/ }])
  t.equal(errors[0]?.line, problemsOf(asYaml(json))[0]!.line! - 1)
  const warned = JSON.stringify(
    baseConfig({ domains: [{ name: 'a.example', username: 'shared-login' }] }),
    null,
    2,
  )
  const { warnings } = parseSettings(warned, 'config.json')
  t.match(warnings, [{ path: 'domains[0].username' }])
  t.equal(warnings[0]?.line, warned.split('\n').findIndex((l) => l.includes('shared-login')) + 1)
})

t.test('a problem at a missing key takes the line of the nearest key that exists', async (t) => {
  const json = '{\n  "domains": [\n    {"name": "a.example",\n     "webmail": 5}\n  ]\n}\n'
  const problems = problemsOf(json)
  t.equal(problems.find((p) => p.path === 'provider')?.line, undefined, 'nothing of it in the file')
  t.equal(problems.find((p) => p.path === 'domains[0].webmail')?.line, 4)
})

t.test('a repeated key is refused as in YAML, even when escaped differently', async (t) => {
  const config = JSON.stringify(baseConfig(), null, 2)
  const repeated = config.replace('"provider": {', '"provider": {"id": "x.example",')
  const problems = problemsOf(repeated)
  t.match(problems, [{ path: '(yaml)', message: /unique/ }])
  t.equal(problems[0]?.line, 3)
  const escaped = config.replace('"domains": [', '"d\\u006fmains": [], "domains": [')
  t.match(problemsOf(escaped), [{ path: '(yaml)', message: /unique/ }])
})

t.test('a repeated key is refused when an escaped colon would even out the count of colons', async (t) => {
  // The fast check compares colons in the text with keys plus colons in the parsed value: a repeated
  // key drops one, a colon written as \u003a adds one. Such text gets the exact scan instead.
  const config = JSON.stringify(baseConfig(), null, 2)
  const repeated = config
    .replace('"provider": {', '"provider": {"id": "x.example",')
    .replace('"name": "', '"name": "Mail\\u003A ')
  t.equal(readJsonConfig(repeated), undefined, 'left to the YAML reader')
  t.match(problemsOf(repeated), [{ path: '(yaml)', message: /unique/ }])
  const escapedOnly = config.replace('"name": "', '"name": "Mail\\u003a ')
  t.ok(readJsonConfig(escapedOnly), 'read as JSON without a repeated key')
  t.match(parseSettings(escapedOnly, 'config.json').settings.provider.name, /^Mail: /)
})

t.test('JSON text with colons, quotes and escapes inside strings, and empty containers', async (t) => {
  const config = baseConfig({
    provider: { id: 'mail.test.example', name: 'Mail: "the" \\ best {[,]}', shortName: 'Mail:1' },
    domains: [{ name: 'test.example', aliases: [] }],
  })
  t.ok(readJsonConfig(JSON.stringify(config)), 'read as JSON')
  const { settings } = parseSettings(JSON.stringify(config), 'config.json')
  t.equal(settings.provider.name, 'Mail: "the" \\ best {[,]}')
  t.same(settings.domains[0]?.aliases, [])
  const wrong = JSON.stringify(
    baseConfig({ service: {}, domains: [{ name: 'test.example', webmail: true }] }),
  )
  t.match(problemsOf(` \n${wrong}`), [{ path: 'domains[0].webmail', line: 2 }])
})

t.test('text that only looks like JSON is read as YAML', async (t) => {
  const flow =
    '{provider: {id: mail.test.example, name: Test, shortName: Test}, domains: [{name: test.example}]}'
  t.match(problemsOf(flow), [{ path: 'domains[0]', message: /no incoming server/ }])
})
