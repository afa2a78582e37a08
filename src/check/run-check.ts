import type { EmailAddress } from '../common/address.js'
import { isMissingRoute, unavailable } from './findings.js'
import type { ClientFamily, FamilyReport, Transport } from './types.js'

async function checkFamily(
  family: ClientFamily,
  address: EmailAddress,
  transport: Transport,
): Promise<FamilyReport> {
  const request = family.request(address)
  const where = { client: family.name, method: request.method, url: `https://${request.host}${request.path}` }
  try {
    const response = await transport(request)
    const judgement = isMissingRoute(response)
      ? unavailable('this server does not answer this request (the format is not served here)')
      : family.judge(response, address)
    const contentType = response.headers['content-type']
    return { ...where, status: response.status, ...(contentType ? { contentType } : {}), ...judgement }
  } catch (error) {
    // Transports reject only with Error (socket errors, timeouts, oversized answers).
    const reason = (error as Error).message
    return {
      ...where,
      status: null,
      verdict: 'fail',
      servers: [],
      problems: [`no answer: ${reason}`],
      notes: [],
    }
  }
}

/** Every client family's request, answer and verdict, in the order of the list. */
export function runChecks(
  address: EmailAddress,
  families: readonly ClientFamily[],
  transport: Transport,
): Promise<FamilyReport[]> {
  return Promise.all(families.map((family) => checkFamily(family, address, transport)))
}
