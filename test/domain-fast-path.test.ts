// normalizeDomain and displayDomain skip UTS #46 for plain lower-case ASCII names (issue 9). This checks
// that the shortcut answers exactly what the full conversion answers, over names built to probe its edges.
import { domainToASCII, domainToUnicode } from 'node:url'
import t from 'tap'
import { displayDomain, normalizeDomain } from '../src/common/domain-name.js'
import type { SettingsError } from '../src/settings/problems.js'
import { baseConfig, loadConfig } from './helpers/settings.js'

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/

/** The conversion without the shortcut, as written before it. */
function throughIdna(input: string): string | undefined {
  if (input.length === 0 || input.length > 255) return undefined
  const trimmed = input.endsWith('.') ? input.slice(0, -1) : input
  const ascii = domainToASCII(trimmed)
  if (ascii === '' || ascii.length > 253) return undefined
  return ascii.split('.').every((label) => LABEL.test(label)) ? ascii : undefined
}

const EDGES = [
  'example.com',
  'a',
  'localhost',
  'a-b.example',
  'ab--cd.example',
  '-a.example',
  'a-.example',
  'a..example',
  '.example',
  'example.com.',
  'example.com..',
  'example.123',
  '1.2.3.4',
  '0x1f.example',
  'example.0x1f',
  'example.x1',
  'xn--mnchen-3ya.example',
  'xn--zz.example',
  'axn--b.example',
  'Example.COM',
  'münchen.example',
  `${'a'.repeat(63)}.example`,
  `${'a'.repeat(64)}.example`,
  `${'abcdefghi.'.repeat(25)}com`,
  `${'abcdefghi.'.repeat(26)}com`,
  'exa_mple.com',
  'ex ample.com',
]

// Deterministic pseudo-random names over an alphabet that hits every rule of the shortcut.
function* generatedNames(count: number): Generator<string> {
  const alphabet = ['a', 'z', '0', '9', '-', '.', 'xn--', 'X', 'ü', '_']
  let seed = 7
  for (let i = 0; i < count; i++) {
    let name = ''
    const length = 1 + (i % 12)
    for (let j = 0; j < length; j++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      name += alphabet[seed % alphabet.length]
    }
    yield name
  }
}

t.test('the shortcut gives what UTS #46 gives, for edge cases and generated names', async (t) => {
  const mismatches: string[] = []
  for (const name of [...EDGES, ...generatedNames(20_000)]) {
    if (normalizeDomain(name) !== throughIdna(name)) mismatches.push(name)
  }
  t.same(mismatches, [])
})

t.test('display names: plain names as they are, A-labels in Unicode', async (t) => {
  for (const name of ['example.com', 'a-b.example', 'xn--mnchen-3ya.example', 'xn--bcher-kva.example']) {
    t.equal(displayDomain(name), domainToUnicode(name) || name, name)
  }
  t.equal(displayDomain('xn--bcher-kva.example'), 'bücher.example')
})

t.test('names in the config that are not hostnames are reported at their path', async (t) => {
  const config = baseConfig({
    domains: [{ name: 'not a host', aliases: ['ok.example', 'bad_alias..example'] }],
  })
  try {
    loadConfig(config)
    t.fail('expected a SettingsError')
  } catch (error) {
    t.match((error as SettingsError).problems, [
      { path: 'domains[0].name', message: /not a valid hostname/ },
      { path: 'domains[0].aliases[1]', message: /not a valid hostname/ },
    ])
  }
})
