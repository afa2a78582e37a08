import { thunderbird, thunderbirdAndroid } from './autoconfig-families.js'
import type { ClientFamily } from './types.js'

/** Every client family `mailsetup check` tries, one entry each, in the order they are reported. */
export const CLIENT_FAMILIES: readonly ClientFamily[] = [thunderbird, thunderbirdAndroid]
