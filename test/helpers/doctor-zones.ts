// Fixture zones for the doctor tests: one correct domain, and one domain per kind of mistake.
// Written out by hand, not from the code under test, so a wrong expectation in the code shows up.
import type { FixtureRecord } from './dns-server.js'
import { baseConfig } from './settings.js'

export const SERVICE = 'mailsetup.provider.test'

export function configFor(staleImap: string) {
  const domains = ['good', 'missing', 'wrongtarget', 'wrongport', 'nomx', 'arecord', 'stale', 'badcert']
  return baseConfig({
    service: { publicUrl: `https://${SERVICE}` },
    defaults: {
      incoming: [
        { type: 'imap', hostname: 'imap.provider.test', port: 993, security: 'tls' },
        { type: 'imap', hostname: 'imap.provider.test', port: 143, security: 'starttls' },
      ],
      outgoing: [
        { type: 'smtp', hostname: 'smtp.provider.test', port: 465, security: 'tls' },
        { type: 'smtp', hostname: 'smtp.provider.test', port: 587, security: 'starttls' },
      ],
      dav: { caldavUrl: 'https://dav.provider.test/cal/' },
    },
    domains: domains.map((d) =>
      d === 'stale'
        ? {
            name: 'stale.test',
            incoming: [{ type: 'imap', hostname: staleImap, port: 993, security: 'tls' }],
          }
        : { name: `${d}.test`, ...(d === 'good' ? { aliases: ['alias.test'] } : {}) },
    ),
  })
}

/** What a correctly configured domain publishes, written out by hand (not from the code under test). */
function correctZone(domain: string, imap = 'imap.provider.test'): FixtureRecord[] {
  const srv = (label: string, priority: number, port: number, target: string): FixtureRecord => ({
    name: `${label}._tcp.${domain}`,
    type: 'SRV',
    data: { priority, weight: 0, port, target },
  })
  return [
    { name: `autoconfig.${domain}`, type: 'CNAME', data: SERVICE },
    { name: `autodiscover.${domain}`, type: 'CNAME', data: SERVICE },
    srv('_autodiscover', 0, 443, SERVICE),
    srv('_imaps', 0, 993, imap),
    srv('_imap', 1, 143, imap),
    srv('_pop3s', 0, 0, '.'),
    srv('_pop3', 0, 0, '.'),
    srv('_submissions', 0, 465, 'smtp.provider.test'),
    srv('_submission', 1, 587, 'smtp.provider.test'),
    srv('_caldavs', 0, 443, 'dav.provider.test'),
    { name: `_caldavs._tcp.${domain}`, type: 'TXT', data: 'path=/cal/' },
    { name: domain, type: 'MX', data: { preference: 10, exchange: 'mx.provider.test' } },
  ]
}

function withChanges(
  zone: FixtureRecord[],
  drop: (r: FixtureRecord) => boolean,
  add: FixtureRecord[] = [],
): FixtureRecord[] {
  return [...zone.filter((r) => !drop(r)), ...add]
}

const is = (name: string, type: string) => (r: FixtureRecord) => r.name === name && r.type === type
const srvAt = (label: string, domain: string, port: number, target: string, priority = 0): FixtureRecord => ({
  name: `${label}._tcp.${domain}`,
  type: 'SRV',
  data: { priority, weight: 0, port, target },
})

export const ZONES: FixtureRecord[] = [
  { name: SERVICE, type: 'A', data: '127.0.0.1' },
  ...correctZone('good.test'),
  ...correctZone('alias.test'),
  ...correctZone('stale.test', 'imap.provider.test'),
  ...correctZone('badcert.test'),
  ...withChanges(
    correctZone('missing.test'),
    (r) => is('_imaps._tcp.missing.test', 'SRV')(r) || is('autoconfig.missing.test', 'CNAME')(r),
  ),
  ...withChanges(
    correctZone('wrongtarget.test'),
    (r) =>
      r.name === '_submission._tcp.wrongtarget.test' ||
      r.name === 'autoconfig.wrongtarget.test' ||
      r.name === '_imap._tcp.wrongtarget.test',
    [
      srvAt('_submission', 'wrongtarget.test', 587, 'mail.other.test', 1),
      srvAt('_imap', 'wrongtarget.test', 143, 'imap.provider.test', 5),
      { name: 'autoconfig.wrongtarget.test', type: 'CNAME', data: 'autoconfig.other.test' },
    ],
  ),
  ...withChanges(
    correctZone('wrongport.test'),
    (r) =>
      r.name === '_imaps._tcp.wrongport.test' || r.type === 'TXT' || r.name === '_pop3._tcp.wrongport.test',
    [
      srvAt('_imaps', 'wrongport.test', 994, 'imap.provider.test'),
      { name: '_caldavs._tcp.wrongport.test', type: 'TXT', data: 'path=/old/' },
    ],
  ),
  ...withChanges(correctZone('nomx.test'), (r) => r.type === 'MX', [
    srvAt('_imaps', 'nomx.test', 993, 'old-imap.provider.test', 9),
  ]),
  ...withChanges(
    correctZone('arecord.test'),
    (r) => r.name === 'autoconfig.arecord.test' || r.name === 'autodiscover.arecord.test',
    [
      { name: 'autoconfig.arecord.test', type: 'A', data: '127.0.0.1' },
      { name: 'autodiscover.arecord.test', type: 'A', data: '10.9.9.9' },
    ],
  ),
]
