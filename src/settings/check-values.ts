import { normalizeDomain } from '../common/domain-name.js'
import type { ProblemList } from './problems.js'

/** ASCII form of a hostname from the config, or an error at its path. */
export function checkHostname(value: string, path: string, problems: ProblemList): string {
  const ascii = normalizeDomain(value)
  if (ascii === undefined) {
    problems.error(path, `"${value}" is not a valid hostname`)
    return value
  }
  return ascii
}

/**
 * URLs that clients open: http(s) only. Plain http loads with a warning, because Outlook, Apple and
 * the Autodiscover v2 JSON contract require https and browsers flag http login pages.
 */
export function checkUrl(value: string, path: string, problems: ProblemList): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    problems.error(path, `"${value}" is not a valid URL`)
    return value
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.error(path, `"${value}" must be an http or https URL`)
  } else if (url.protocol === 'http:') {
    problems.warn(path, `"${value}" is plain http; clients expect https`)
  }
  return value
}

const PLACEHOLDER = /%[A-Z]+%/g
const KNOWN_PLACEHOLDERS = new Set(['%EMAILADDRESS%', '%EMAILLOCALPART%', '%EMAILDOMAIN%'])

/** `address` → %EMAILADDRESS%, `localpart` → %EMAILLOCALPART%; templates must use known placeholders only. */
export function checkUsername(value: string, path: string, problems: ProblemList): string {
  if (value === 'address') return '%EMAILADDRESS%'
  if (value === 'localpart') return '%EMAILLOCALPART%'
  if (!KNOWN_PLACEHOLDERS.has(value)) {
    problems.warn(
      path,
      'when the client sends no address (K-9, KMail), GNOME and FairEmail can fill only a username that is exactly one placeholder',
    )
  }
  for (const placeholder of value.match(PLACEHOLDER) ?? []) {
    if (!KNOWN_PLACEHOLDERS.has(placeholder)) {
      problems.error(
        path,
        `unknown placeholder ${placeholder}; use %EMAILADDRESS%, %EMAILLOCALPART% or %EMAILDOMAIN%`,
      )
    }
  }
  return value
}
