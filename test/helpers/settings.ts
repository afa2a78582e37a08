import { stringify } from 'yaml'
import { buildApp } from '../../src/app.js'
import { createLogger } from '../../src/logging/logger.js'
import { type LoadedSettings, parseSettings } from '../../src/settings/load-settings.js'
import { createSnapshot } from '../../src/state/snapshot.js'
import { SnapshotStore } from '../../src/state/snapshot-store.js'

export const BUNDLED_CONFIG = new URL('../../config/mailsetup.yaml', import.meta.url).pathname

export type Json = Record<string, unknown>

/** A small valid config: one provider, IMAP+SMTP with TLS and STARTTLS, one domain. Override per test. */
export function baseConfig(overrides: Json = {}): Json {
  return {
    provider: {
      id: 'mail.test.example',
      name: 'Test Mail',
      shortName: 'TestMail',
      documentationUrl: 'https://help.test.example/',
    },
    defaults: {
      incoming: [
        { type: 'imap', hostname: 'imap.test.example', port: 993, security: 'tls' },
        { type: 'imap', hostname: 'imap.test.example', port: 143, security: 'starttls' },
      ],
      outgoing: [
        { type: 'smtp', hostname: 'smtp.test.example', port: 465, security: 'tls' },
        { type: 'smtp', hostname: 'smtp.test.example', port: 587, security: 'starttls' },
      ],
    },
    domains: [{ name: 'test.example' }],
    ...overrides,
  }
}

export function loadConfig(config: Json | string): LoadedSettings {
  return parseSettings(typeof config === 'string' ? config : stringify(config), 'test.yaml')
}

/**
 * Rate limiting (issue 5) is off in apps built from config objects unless the test sets
 * `service.rateLimit`: many tests send hundreds of requests from inject()'s one address.
 */
function withoutRateLimit(config: Json | string): Json | string {
  if (typeof config === 'string') return config
  const service = (config.service ?? {}) as Json
  return 'rateLimit' in service ? config : { ...config, service: { ...service, rateLimit: null } }
}

/** An app over a config object or YAML text, with logs discarded unless a stream is given. */
export function appFor(config: Json | string, logStream?: NodeJS.WritableStream) {
  const store = new SnapshotStore(createSnapshot(loadConfig(withoutRateLimit(config))))
  const logger = createLogger(logStream === undefined ? 'silent' : 'info', logStream)
  return buildApp({ store, logger })
}

/**
 * The same over JSON text, which the loader reads as it is: for property tests that put arbitrary text
 * in the config, since the yaml package writes a value like " \n" as a block scalar that reads back "\n".
 */
export function appForExactText(config: Json, logStream?: NodeJS.WritableStream) {
  return appFor(JSON.stringify(withoutRateLimit(config)), logStream)
}
