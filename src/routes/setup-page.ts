import type { FastifyInstance } from 'fastify'
import { isMailsetupError } from '../errors.js'
import { statusOf } from '../http/answer.js'
import { queryValue } from '../http/query.js'
import { HTML_CONTENT_TYPE, PAGE_CSP } from '../render/page-layout.js'
import { renderProblemPage } from '../render/problem-page.js'
import { renderSetupPage } from '../render/setup-page.js'
import { resolveAccount } from '../resolve/resolve-account.js'
import type { RouteContext } from './context.js'

/** `/` on a hosted domain's host (or autoconfig.<domain>), and `/setup?email=` on any host. */
export const SETUP_PAGE_PATHS = ['/', '/setup'] as const

export function registerSetupPageRoutes(app: FastifyInstance, context: RouteContext): void {
  for (const url of SETUP_PAGE_PATHS) {
    app.get(url, async (request, reply) => {
      const snapshot = context.store.current
      // The form sends `email=` when submitted empty: show the domain's page, as without it.
      const typed = queryValue(request.query, 'email', 'emailaddress') || undefined
      reply
        .type(HTML_CONTENT_TYPE)
        .header('content-security-policy', PAGE_CSP)
        .header('x-content-type-options', 'nosniff')
        // The address is in the URL: keep it out of Referer headers when a link is followed.
        .header('referrer-policy', 'no-referrer')
      try {
        const account = resolveAccount(snapshot.settings, { address: typed, host: request.host })
        reply.header('cache-control', typed === undefined ? 'public, max-age=300' : 'private, no-store')
        return reply.send(renderSetupPage(account))
      } catch (error) {
        /* c8 ignore next -- resolveAccount throws only MailsetupError; anything else goes to the error handler */
        if (!isMailsetupError(error)) throw error
        const page =
          error.kind === 'bad-address'
            ? renderProblemPage({ kind: 'bad-address', typed: typed as string, reason: error.message })
            : renderProblemPage({ kind: 'unknown-domain', typed })
        return reply.code(statusOf(error.kind)).header('cache-control', 'no-store').send(page)
      }
    })
  }
}
