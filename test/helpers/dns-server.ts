// A tiny authoritative DNS server for tests: UDP on 127.0.0.1, the real wire protocol (dns-packet),
// answering from fixture records. It follows one CNAME the way a recursive resolver would, answers
// NXDOMAIN for unknown names and an empty NOERROR for known names without the asked type.
import { createSocket } from 'node:dgram'
import type { AddressInfo } from 'node:net'
import * as dnsPacket from 'dns-packet'

export type FixtureRecord =
  | { name: string; type: 'A'; data: string }
  | { name: string; type: 'AAAA'; data: string }
  | { name: string; type: 'CNAME'; data: string }
  | { name: string; type: 'TXT'; data: string }
  | { name: string; type: 'MX'; data: { preference: number; exchange: string } }
  | { name: string; type: 'SRV'; data: { priority: number; weight: number; port: number; target: string } }

const NXDOMAIN = 3

export interface DnsServer {
  /** `127.0.0.1:<port>`, as `--resolver` takes it. */
  readonly address: string
  readonly queries: number
  readonly close: () => Promise<void>
}

function answer(records: readonly FixtureRecord[], name: string, type: string) {
  const at = (n: string, t: string) => records.filter((r) => r.name.toLowerCase() === n && r.type === t)
  const direct = at(name, type)
  if (direct.length > 0 || type === 'CNAME') return direct
  const alias = at(name, 'CNAME')[0]
  return alias === undefined ? [] : [alias, ...at((alias.data as string).toLowerCase(), type)]
}

export async function startDnsServer(records: readonly FixtureRecord[]): Promise<DnsServer> {
  const socket = createSocket('udp4')
  let queries = 0
  socket.on('message', (message, peer) => {
    queries++
    const query = dnsPacket.decode(message)
    const question = query.questions?.[0]
    if (question === undefined) return
    const name = question.name.toLowerCase()
    const answers = answer(records, name, question.type)
    const known = records.some((r) => r.name.toLowerCase() === name)
    const flags =
      dnsPacket.AUTHORITATIVE_ANSWER |
      dnsPacket.RECURSION_DESIRED |
      dnsPacket.RECURSION_AVAILABLE |
      (known ? 0 : NXDOMAIN)
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags,
      questions: [question],
      answers: answers.map((r) => ({ ...r, class: 'IN', ttl: 60 }) as dnsPacket.Answer),
    })
    socket.send(response, peer.port, peer.address)
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address() as AddressInfo
  return {
    address: `127.0.0.1:${port}`,
    get queries() {
      return queries
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  }
}
