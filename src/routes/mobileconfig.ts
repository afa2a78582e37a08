import type { FastifyInstance } from 'fastify'
import { MailsetupError } from '../errors.js'
import { queryValue } from '../http/query.js'
import { profileIds } from '../render/mobileconfig.js'
import { resolveAddress } from '../resolve/resolve-account.js'
import { signProfile } from '../signing/sign-profile.js'
import { fillMobileconfig } from '../state/mobileconfig-documents.js'
import { documentsFor } from '../state/snapshot.js'
import type { RouteContext } from './context.js'

export const MOBILECONFIG_PATH = '/email.mobileconfig'
// The type Safari (iOS) and macOS hand to the profile installer (CLIENTS.md §3).
export const MOBILECONFIG_CONTENT_TYPE = 'application/x-apple-aspen-config'

/** Apple configuration profiles: `GET /email.mobileconfig?email=<address>` (or `emailaddress`). */
export function registerMobileconfigRoutes(app: FastifyInstance, context: RouteContext): void {
  app.get(MOBILECONFIG_PATH, async (request, reply) => {
    const snapshot = context.store.current
    const address = queryValue(request.query, 'email', 'emailaddress')
    if (address === undefined) {
      // A profile is personal: without the address there is nothing to build. People land on the page.
      throw new MailsetupError(
        'missing-address',
        'add ?email=<your address>, or open /setup to download your profile',
      )
    }
    const account = resolveAddress(snapshot.settings, address)
    const { identity } = account
    const ids = profileIds(snapshot.settings.provider, identity.address)
    const documents = documentsFor(snapshot, account.profile).mobileconfig()
    const profile = fillMobileconfig(documents, account.profile, identity, ids)
    // Signed when the operator configured an identity; unsigned profiles show as "Not Verified".
    const signing = snapshot.settings.service.profileSigning
    const body = signing === undefined ? profile : await signProfile(signing, profile)
    return reply
      .type(MOBILECONFIG_CONTENT_TYPE)
      .header('content-disposition', `attachment; filename="${account.identity.domain}.mobileconfig"`)
      .header('cache-control', 'no-store')
      .send(body)
  })
}
