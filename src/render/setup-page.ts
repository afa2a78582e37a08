// The setup help page (issue 6): how to set an account up by hand, for people. Pure: account in, HTML out.
// Every value goes through `html` (render/html.ts), so nothing from the config or the request becomes markup.
import { displayDomain } from '../common/domain-name.js'
import type { Account } from '../resolve/resolve-account.js'
import type { ExchangeSettings, Pop3Options } from '../settings/model.js'
import { type HtmlFragment, html } from './html.js'
import { renderPage } from './page-layout.js'
import { type ServerRow, accountUsername, serverRows } from './setup-servers.js'

const PROTOCOL_LABEL = { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' } as const

/** The form that personalises the page; also shown on the error pages so a typo can be fixed. */
export function addressForm(value: string | undefined): HtmlFragment {
  return html`<form method="get" action="/setup">
<label for="email">Your email address</label>
<input id="email" name="email" type="email" autocomplete="email" required value="${value}" placeholder="name@example.com">
<button type="submit">Show my settings</button>
</form>`
}

function serverTable(caption: string, rows: readonly ServerRow[]): HtmlFragment {
  const body = rows.map(
    (
      r,
    ) => html`<tr><th scope="row">${r.protocol === 'smtp' ? 'Outgoing' : 'Incoming'} (${PROTOCOL_LABEL[r.protocol]})</th>
<td data-label="Host name"><code>${r.hostname}</code></td><td data-label="Port">${r.ports}</td>
<td data-label="Sign-in">${r.signIn}</td><td data-label="Username"><code>${r.username}</code></td></tr>
`,
  )
  return html`<div class="table"><table class="servers">
<caption>${caption}</caption>
<thead><tr><th scope="col">Server</th><th scope="col">Host name</th><th scope="col">Port and security</th><th scope="col">Sign-in</th><th scope="col">Username</th></tr></thead>
<tbody>
${body}</tbody>
</table></div>`
}

function keepDays(pop3: Pop3Options): string {
  if (pop3.leaveMessagesOnServer && pop3.daysToLeaveMessagesOnServer !== undefined) {
    const days = pop3.daysToLeaveMessagesOnServer
    return `${days} ${days === 1 ? 'day' : 'days'}`
  }
  return 'a short time, such as 5 to 10 days'
}

function mailSections(account: Account): HtmlFragment {
  const { incoming, outgoing, pop3 } = account.profile
  const smtp = serverRows(outgoing, 'smtp', account)
  const imap = serverRows(incoming, 'imap', account)
  const pop = serverRows(incoming, 'pop3', account)
  return html`${
    imap.length > 0 &&
    html`<section aria-labelledby="imap"><h2 id="imap">IMAP: your mail stays on the server (recommended)</h2>
<p>IMAP keeps your messages and folders on the server. Every phone and computer you connect shows the
same mail, folders and read marks, so this is the best choice when you read mail on more than one device.</p>
${serverTable('IMAP account settings', [...imap, ...smtp])}
</section>
`
  }${
    pop.length > 0 &&
    html`<section aria-labelledby="pop"><h2 id="pop">POP: your mail is downloaded to one device</h2>
<p>POP downloads your messages to one device and then removes them from the server, unless you tell it to
leave a copy. Other devices then never see those messages. If you choose POP, turn on
<strong>leave a copy of messages on the server</strong> and keep them for ${keepDays(pop3)}, so that a second
device can still fetch them.</p>
${serverTable('POP account settings', [...pop, ...smtp])}
</section>
`
  }`
}

function exchangeSection(exchange: ExchangeSettings, username: string): HtmlFragment {
  const server = exchange.server ?? [exchange.ewsUrl, exchange.activeSyncUrl].find(Boolean)
  const row = (label: string, value: string | undefined) =>
    value !== undefined && html`<tr><th scope="row">${label}</th><td><code>${value}</code></td></tr>\n`
  return html`<section aria-labelledby="exchange"><h2 id="exchange">Exchange (MAPI): mail, contacts and calendar together</h2>
<p>The Exchange account type also keeps your contacts and calendar in sync. Use it in Outlook with the
Exchange connector your provider offers, or on a phone as an <em>Exchange ActiveSync</em> account.
Outlook usually finds these settings by itself once you enter your address.</p>
<div class="table"><table>
<caption>Exchange account settings</caption>
<tbody>
${row('Server', server === undefined ? undefined : hostOf(server))}${row('Exchange Web Services (EWS)', exchange.ewsUrl)}${row('ActiveSync', exchange.activeSyncUrl)}${row('Username', username)}</tbody>
</table></div>
</section>
`
}

function hostOf(serverOrUrl: string): string {
  return serverOrUrl.includes('://') ? new URL(serverOrUrl).hostname : serverOrUrl
}

function extraSections(account: Account, username: string): HtmlFragment {
  const { dav, webmailUrl } = account.profile
  const davRow = (label: string, url: string | undefined) =>
    url !== undefined && html`<tr><th scope="row">${label}</th><td><code>${url}</code></td></tr>\n`
  return html`${
    webmailUrl !== undefined &&
    html`<section aria-labelledby="webmail"><h2 id="webmail">Webmail</h2>
<p>You can also read and send mail in a web browser, with no set-up: <a href="${webmailUrl}">${webmailUrl}</a></p>
</section>
`
  }${
    dav !== undefined &&
    html`<section aria-labelledby="dav"><h2 id="dav">Calendars and contacts (CalDAV and CardDAV)</h2>
<p>Calendar and address book apps that speak CalDAV and CardDAV can sync with these addresses.</p>
<div class="table"><table>
<caption>CalDAV and CardDAV settings</caption>
<tbody>
${davRow('Calendars (CalDAV)', dav.caldavUrl)}${davRow('Contacts (CardDAV)', dav.carddavUrl)}<tr><th scope="row">Username</th><td><code>${username}</code></td></tr>
</tbody>
</table></div>
</section>
`
  }`
}

function appleSection(account: Account): HtmlFragment {
  const action = account.addressKnown
    ? html`<p><a class="button" href="/email.mobileconfig?email=${encodeURIComponent(account.identity.address)}">Download the settings profile</a></p>
<p>Open the downloaded file, then install it in Settings (iPhone, iPad) or System Settings (Mac).
You will be asked for your password; it is never part of the profile.</p>`
    : html`<p class="note">Enter your email address above to get a settings profile made for your account.</p>`
  return html`<section aria-labelledby="apple"><h2 id="apple">iPhone, iPad and Mac</h2>
<p>Apple devices can set everything up from one settings profile.</p>
${action}
</section>
`
}

/** The whole page for one account (an address, or only the domain when `addressKnown` is false). */
export function renderSetupPage(account: Account): string {
  const { provider, profile, identity, addressKnown } = account
  const domain = displayDomain(identity.domain)
  const username = accountUsername(account)
  const body = html`<h1>Email settings for ${domain}</h1>
<p>${
    addressKnown
      ? html`These are the settings for <strong>${identity.address}</strong> at ${provider.name}.`
      : html`Most mail apps set themselves up when you enter your address and password. If yours does not, use
the settings below. Enter your address to see your exact username.`
  }</p>
${addressForm(addressKnown ? identity.address : undefined)}
${mailSections(account)}${profile.exchange !== undefined && exchangeSection(profile.exchange, username)}${extraSections(account, username)}${appleSection(account)}${
  provider.documentationUrl !== undefined &&
  html`<p>More help from ${provider.name}: <a href="${provider.documentationUrl}">${provider.documentationUrl}</a></p>\n`
}`
  return renderPage(`Email settings for ${domain} – ${provider.name}`, body)
}
