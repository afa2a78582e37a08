// Mozilla autoconfig, clientConfig version 1.1 (Mozilla ISPDB format; IETF draft-bucksch-autoconfig for
// <addressbook>/<calendar>). Satisfies every client in CLIENTS.md §1 at once; the comments name who needs what.
import type { Identity } from '../resolve/identity.js'
import { fillUsername } from '../resolve/identity.js'
import type { MailServer, Pop3Options, Profile, Provider } from '../settings/model.js'
import { type XmlElement, el, renderXmlDocument } from './xml.js'

export interface AutoconfigInput {
  readonly provider: Provider
  readonly profile: Profile
  readonly identity: Identity
}

export interface AutoconfigOptions {
  /** Evolution takes the *last* server of each type; it alone sends `emailmd5`, and then gets one per type. */
  readonly onePerType: boolean
}

// K-9 discards the whole file on socketType `plain`, so servers without TLS are never listed.
const SOCKET_TYPE = { tls: 'SSL', starttls: 'STARTTLS' } as const

function secure(servers: readonly MailServer[]): MailServer[] {
  return servers.filter((s) => s.security !== 'none')
}

/** FairEmail reads only the very first <incomingServer>, so IMAP (in preference order) goes before POP3. */
export function orderIncoming(servers: readonly MailServer[], onePerType: boolean): MailServer[] {
  const imap = secure(servers).filter((s) => s.protocol === 'imap')
  const pop3 = secure(servers).filter((s) => s.protocol === 'pop3')
  return onePerType ? [...imap.slice(0, 1), ...pop3.slice(0, 1)] : [...imap, ...pop3]
}

function pop3Options(options: Pop3Options): XmlElement {
  return el('pop3', [
    el('leaveMessagesOnServer', String(options.leaveMessagesOnServer)),
    options.leaveMessagesOnServer &&
      options.daysToLeaveMessagesOnServer !== undefined &&
      el('daysToLeaveMessagesOnServer', String(options.daysToLeaveMessagesOnServer)),
  ])
}

function server(tag: string, s: MailServer, identity: Identity, pop3: Pop3Options): XmlElement {
  // Evolution fails the whole parse when <incomingServer> has any attribute besides `type`.
  return el(
    tag,
    [
      el('hostname', s.hostname),
      el('port', String(s.port)),
      el('socketType', SOCKET_TYPE[s.security as keyof typeof SOCKET_TYPE]),
      ...s.authentication.map((method) => el('authentication', method)),
      el('username', fillUsername(s.username, identity)),
      s.protocol === 'pop3' && pop3Options(pop3),
    ],
    { type: s.protocol },
  )
}

function davElement(
  tag: 'addressbook' | 'calendar',
  type: string,
  url: string | undefined,
  identity: Identity,
  username: string,
) {
  if (url === undefined) return undefined
  return el(
    tag,
    [
      el('url', url),
      el('username', fillUsername(username, identity)),
      el('authentication', 'Basic', { system: 'http' }),
    ],
    { type },
  )
}

/** The clientConfig document for one profile and identity. Pure: same input, same bytes. */
export function renderAutoconfig(input: AutoconfigInput, options: AutoconfigOptions): string {
  const { provider, profile, identity } = input
  const incoming = orderIncoming(profile.incoming, options.onePerType)
  const outgoing = secure(profile.outgoing).slice(0, options.onePerType ? 1 : undefined)
  // Settings guarantee an incoming server; its username form is the one every server shares (FairEmail).
  const username = (profile.incoming[0] as MailServer).username
  const documentation =
    provider.documentationUrl !== undefined &&
    el('documentation', [el('descr', `${provider.name} setup instructions`, { lang: 'en' })], {
      url: provider.documentationUrl,
    })
  return renderXmlDocument(
    el(
      'clientConfig',
      [
        el(
          'emailProvider',
          [
            el('domain', identity.domain),
            el('displayName', provider.name),
            el('displayShortName', provider.shortName),
            ...incoming.map((s) => server('incomingServer', s, identity, profile.pop3)),
            ...outgoing.map((s) => server('outgoingServer', s, identity, profile.pop3)),
            documentation,
          ],
          { id: provider.id },
        ),
        profile.webmailUrl !== undefined &&
          el('webMail', [el('loginPage', undefined, { url: profile.webmailUrl })]),
        davElement('addressbook', 'carddav', profile.dav?.carddavUrl, identity, username),
        davElement('calendar', 'caldav', profile.dav?.caldavUrl, identity, username),
      ],
      { version: '1.1' },
    ),
  )
}
