// Seeded generators of hostile and valid-looking HTTP requests for the fuzz suite.
import { METHODS } from 'node:http'
import type { RouteEntry } from '../../src/http/route-table.js'
import { autodiscoverRequest, HOSTILE_XML } from './hostile-xml.js'

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seededRandom(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let x = state
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T
  const chance = (p: number) => next() < p
  return { next, int, pick, chance }
}

export type Random = ReturnType<typeof seededRandom>

/** Marks every generated local part, so the privacy check can look for it in logs and error bodies. */
export const CANARY = 'zqxcanary'

const NASTY = [
  '<script>alert(1)</script>',
  '"\'><',
  '&amp;&lt;',
  ']]>',
  '%00',
  '\u0000',
  '\r\nX-Injected: 1',
  '../../etc/passwd',
  `\${jndi:ldap://x}`,
  '{{7*7}}',
  "' OR 1=1 --",
  '\u202e',
  '\ud83d\ude00',
  'ü',
  '\u200b',
  '%EMAILADDRESS%',
  '\\',
  '%',
  '%ZZ',
  '%%',
  '__proto__',
  'constructor',
  '\ufffe',
  '\t',
  ' ',
  '@',
  '@@',
  '.',
  '..',
  '-',
  'xn--',
  'a'.repeat(300),
]

const DOMAINS = [
  'test.example',
  'TEST.example',
  'other.example',
  'xn--bcher-kva.example',
  'bücher.example',
  'localhost',
  '',
  '[::1]',
  'a..b',
  '-x.example',
  `${'a'.repeat(70)}.example`,
]

export function randomText(r: Random, max = 40): string {
  const alphabet =
    'abcXYZ019.-_+@%&<>"\'=;:/?#[]{}()|\\^`~!$* \t\u00e9\u00fc\u4e2d\ud83d\ude00\u0000\u001f\u007f'
  let out = ''
  const length = r.int(max)
  for (let i = 0; i < length; i++) out += r.chance(0.1) ? r.pick(NASTY) : alphabet[r.int(alphabet.length)]
  return out
}

export function randomAddress(r: Random): string {
  const local = r.chance(0.7) ? `${CANARY}${r.int(1e6)}` : `${CANARY}${randomText(r, 12)}`
  const domain = r.chance(0.6) ? 'test.example' : r.pick(DOMAINS)
  return r.chance(0.05) ? local : `${local}${r.chance(0.03) ? '@@' : '@'}${domain}`
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** Usually percent-encoded; sometimes raw, as a careless client would send it. */
function encode(r: Random, text: string): string {
  const whole = text.replace(LONE_SURROGATE, '\ufffd')
  // inject() parses the URL with WHATWG rules: raw controls and backslashes cannot travel that way.
  return r.chance(0.85) ? encodeURIComponent(whole) : whole.replace(/[^\x21-\x7e\u00a0-\uffff]|[\\#?&]/g, '')
}

function mutatePath(r: Random, path: string): string {
  switch (r.int(12)) {
    case 0:
      return path.toUpperCase()
    case 1:
      return `${path}/`
    case 2:
      return path.replace('/', '//')
    case 3:
      return `${path}/..`
    case 4:
      return path.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`)
    case 5:
      return `${path}%00`
    case 6:
      return path.slice(0, r.int(path.length) + 1)
    case 7:
      return `${path};jsessionid=${r.int(1e6)}`
    case 8:
      return `/${encode(r, randomText(r, 20))}${path}`
    case 9:
      return `${path}/${encode(r, randomText(r))}`
    case 10:
      return path.replace(/\.xml$/, '.XmL')
    default:
      return `${path}%2e%2e%2f`
  }
}

function fillPattern(r: Random, url: string): string {
  return url
    .replace(/:[A-Za-z0-9_]+(\([^)]*\))?/g, () => encode(r, r.chance(0.7) ? randomAddress(r) : randomText(r)))
    .replace('*', () => encode(r, randomText(r)))
}

const QUERY_KEYS = [
  'emailaddress',
  'email',
  'Email',
  'emailmd5',
  'Protocol',
  'RedirectCount',
  'redirectcount',
  '__proto__[x]',
  'constructor[prototype][x]',
  'emailaddress[]',
  'x',
]
const PROTOCOLS = ['AutodiscoverV1', 'autodiscoverv1', 'ActiveSync', 'Ews', 'Rest', '']

function randomQuery(r: Random): string {
  const pairs: string[] = []
  const count = r.int(4)
  for (let i = 0; i < count; i++) {
    const key = r.pick(QUERY_KEYS)
    const value =
      key.startsWith('email') || key === 'Email'
        ? randomAddress(r)
        : key === 'Protocol'
          ? r.pick(PROTOCOLS)
          : randomText(r)
    pairs.push(
      `${r.chance(0.9) ? key : encode(r, key)}=${encode(r, r.chance(0.02) ? value.repeat(40) : value)}`,
    )
  }
  return pairs.length === 0 ? '' : `?${pairs.join(r.chance(0.9) ? '&' : ';')}`
}

const HOSTS = [
  'test.example',
  'autoconfig.test.example',
  'autodiscover.test.example',
  'autoconfig.other.example',
  'test.example:443',
  '127.0.0.1',
  '[::1]:8080',
  'localhost',
  'bad host',
  'x'.repeat(300),
  'user@test.example',
  '',
]
const CONTENT_TYPES = [
  'text/xml; charset=utf-8',
  'application/xml',
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'text/xml; charset=utf-16',
  'garbage',
  '',
]

function randomBody(r: Random): string {
  switch (r.int(9)) {
    case 0:
      return autodiscoverRequest(randomAddress(r))
    case 1:
      return autodiscoverRequest(randomAddress(r).replace(/[<&]/g, ''), r.pick(['a', 'ns0', 'x']))
    case 2:
      return r.pick(HOSTILE_XML)
    case 3:
      return JSON.stringify({
        EMailAddress: randomAddress(r),
        __proto__: { polluted: true },
        constructor: { prototype: { x: 1 } },
      })
    case 4:
      return `{"${randomText(r)}`
    case 5:
      return `emailaddress=${encode(r, randomAddress(r))}&${encode(r, randomText(r))}=${encode(r, randomText(r))}`
    case 6:
      return 'x'.repeat(8 * 1024 + r.int(2048))
    case 7:
      return randomText(r, 400)
    default:
      return autodiscoverRequest(randomAddress(r)).slice(0, r.int(300))
  }
}

const printable = (text: string) => text.replace(/[^\x20-\x7e]/g, '?')

export interface FuzzRequest {
  method: string
  url: string
  headers: Record<string, string>
  payload?: string
  remoteAddress: string
}

/** One request: mostly real routes (some mutated), some random paths, random headers and bodies. */
export function randomRequest(r: Random, routes: readonly RouteEntry[]): FuzzRequest {
  const route = r.pick(routes)
  const method = r.chance(0.75) ? route.method : r.pick(METHODS)
  let path = fillPattern(r, route.url)
  if (r.chance(0.3)) path = mutatePath(r, path)
  if (r.chance(0.05)) path = `/${encode(r, randomText(r))}`
  const headers: Record<string, string> = {}
  if (r.chance(0.7)) headers.host = r.pick(HOSTS)
  if (r.chance(0.3)) headers['user-agent'] = printable(randomText(r))
  if (r.chance(0.2)) headers['x-forwarded-for'] = r.pick(['198.51.100.1', 'garbage', '1.1.1.1, 2.2.2.2'])
  if (r.chance(0.1)) headers.authorization = `Basic ${Buffer.from(randomAddress(r)).toString('base64')}`
  if (r.chance(0.1)) headers['x-mapihttpcapability'] = r.pick(['1', '0', 'x'])
  if (r.chance(0.1)) headers.accept = r.pick(['*/*', 'application/json', 'text/html', 'application/xml'])
  if (r.chance(0.05)) headers['x-junk'] = printable(randomText(r, 2000))
  const withBody = method !== 'GET' && method !== 'HEAD' && r.chance(0.8)
  if (withBody && r.chance(0.9)) headers['content-type'] = r.pick(CONTENT_TYPES)
  const ip = r.chance(0.8)
    ? `10.${r.int(4)}.${r.int(256)}.${r.int(256)}`
    : `2001:db8:${r.int(16).toString(16)}::${r.int(100)}`
  return {
    method,
    url: `${path}${randomQuery(r)}`,
    headers,
    ...(withBody ? { payload: randomBody(r) } : {}),
    remoteAddress: ip,
  }
}
