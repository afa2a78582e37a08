// The new Outlook asks Autodiscover v2 (JSON) first, for the URL of the POX endpoint: CLIENTS.md §2.
import { Findings, expectDocument } from './findings.js'
import type { CheckResponse, ClientFamily, Judgement } from './types.js'

function readJson(body: string, findings: Findings): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body)
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>
  } catch {
    // Reported below, like any other answer that is not a JSON object.
  }
  findings.expect(false, 'the answer is not a JSON object')
  return undefined
}

function judgeJson(response: CheckResponse): Judgement {
  const findings = new Findings()
  if (!expectDocument(response, findings, { types: ['application/json'], client: 'Outlook' }))
    return findings.judgement()
  const answer = readJson(response.body, findings)
  if (answer === undefined) return findings.judgement()
  const protocol = String(answer.Protocol ?? '')
  const url = String(answer.Url ?? '')
  findings.servers.push({ role: 'Autodiscover URL', server: url })
  findings.expect(protocol.toLowerCase() === 'autodiscoverv1', `Protocol "${protocol}", not AutodiscoverV1`)
  findings.expect(url.startsWith('https://'), `Url "${url}" is not https (Outlook refuses it)`)
  findings.expect(
    url.toLowerCase().endsWith('/autodiscover/autodiscover.xml'),
    `Url "${url}" is not an /autodiscover/autodiscover.xml endpoint`,
  )
  findings.notes.push('Outlook then POSTs to that URL: see the Outlook entry for what it gets there')
  return findings.judgement()
}

export const outlookJson: ClientFamily = {
  name: 'Outlook (new, JSON v2)',
  request: (address) => ({
    method: 'GET',
    host: `autodiscover.${address.domain}`,
    path: `/autodiscover/autodiscover.json?Email=${encodeURIComponent(address.address)}&Protocol=AutodiscoverV1&RedirectCount=1`,
  }),
  judge: judgeJson,
}
