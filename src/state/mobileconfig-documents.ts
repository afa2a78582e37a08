import {
  PROFILE_ID_FIELDS,
  type ProfileIds,
  renderMobileconfig,
  sharesPassword,
} from '../render/mobileconfig.js'
import { compileTemplateOf, fillTemplate, type Template } from '../render/template.js'
import { escapeXml } from '../render/xml.js'
import { IDENTITY_FIELDS, type Identity } from '../resolve/identity.js'
import type { Profile, Provider } from '../settings/model.js'

const FIELDS = [...IDENTITY_FIELDS, ...PROFILE_ID_FIELDS] as const
type Field = (typeof FIELDS)[number]

/**
 * An Apple profile of one hosted profile, prepared at load time (issue 9): the address and its UUIDs
 * are filled in per request. `OutgoingPasswordSameAsIncomingPassword` depends on the filled-in
 * usernames, so there is one template for each answer.
 */
export interface MobileconfigDocuments {
  readonly samePassword: Template<Field>
  readonly separatePasswords: Template<Field>
}

export function prepareMobileconfig(provider: Provider, profile: Profile): MobileconfigDocuments {
  const compile = (samePassword: boolean) =>
    compileTemplateOf(
      FIELDS,
      (values) => renderMobileconfig({ provider, profile, identity: values, ids: values, samePassword }),
      escapeXml,
    )
  return Object.freeze({ samePassword: compile(true), separatePasswords: compile(false) })
}

/** The profile for one identity: exactly what `renderMobileconfig` gives for it. */
export function fillMobileconfig(
  documents: MobileconfigDocuments,
  profile: Profile,
  identity: Identity,
  ids: ProfileIds,
): string {
  const template = sharesPassword(profile, identity) ? documents.samePassword : documents.separatePasswords
  return fillTemplate(template, { ...identity, ...ids })
}
