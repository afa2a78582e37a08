import { apple } from './apple-family.js'
import { thunderbird, thunderbirdAndroid } from './autoconfig-families.js'
import { activeSync, outlook } from './autodiscover-families.js'
import { outlookJson } from './autodiscover-json-family.js'
import type { ClientFamily } from './types.js'

/**
 * Every client family `mailsetup check` tries, one entry each, in the order they are reported.
 * A format this server does not serve yet answers 404 "not found" and is reported as not available.
 */
export const CLIENT_FAMILIES: readonly ClientFamily[] = [
  thunderbird,
  thunderbirdAndroid,
  outlook,
  outlookJson,
  apple,
  activeSync,
]
