// The setup page in a real browser: headless Chromium (Debian package `chromium`, installed by
// scripts/install-system-deps.sh) driven by playwright-core, against the real server on a free port.
import { existsSync, mkdirSync } from 'node:fs'
import { chromium } from 'playwright-core'
import t from 'tap'
import { startLocalServer } from './helpers/local-server.js'

// Starting Chromium takes a few seconds, more on a busy 2-core machine.
t.setTimeout(120_000)

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = new URL('../test-artifacts/', import.meta.url).pathname

// Never skip: a missing browser must fail CI loudly (npm test's pretest installs it as root).
if (!existsSync(CHROMIUM)) {
  t.fail(`${CHROMIUM} is missing: run scripts/install-system-deps.sh as root (Debian package chromium)`)
} else {
  const server = await startLocalServer()
  const port = new URL(server.url).port
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      // The hosted domain's name reaches the test server, so `GET /` is answered for example.com.
      '--host-resolver-rules=MAP example.com 127.0.0.1',
    ],
  })
  t.teardown(async () => {
    await browser.close()
    await server.close()
  })
  mkdirSync(ARTIFACTS, { recursive: true })

  t.test('the domain page, then the form personalises it', async (t) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    const consoleErrors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text())
    })
    const response = await page.goto(`http://example.com:${port}/`)
    t.equal(response?.status(), 200)
    t.equal(await page.locator('h1').textContent(), 'Email settings for example.com')
    const rows = page.getByRole('table', { name: 'IMAP account settings' }).locator('tbody tr')
    const imapRows: string[][] = []
    for (const row of await rows.all()) imapRows.push(await row.locator('th, td').allInnerTexts())
    t.same(imapRows, [
      [
        'Incoming (IMAP)',
        'imap.example.com',
        '993 (SSL/TLS) or 143 (STARTTLS)',
        'Normal password',
        'your full email address',
      ],
      [
        'Outgoing (SMTP)',
        'smtp.example.com',
        '465 (SSL/TLS) or 587 (STARTTLS)',
        'Normal password',
        'your full email address',
      ],
    ])
    // The stylesheet is allowed by its CSP hash: if it were blocked, main would have no max-width.
    // (Browser-side code is passed as strings: the project's TypeScript lib has no DOM types.)
    t.equal(await page.evaluate<string>("getComputedStyle(document.querySelector('main')).maxWidth"), '736px')
    const widths = await page.evaluate<number[]>('[document.documentElement.scrollWidth, window.innerWidth]')
    t.ok((widths[0] as number) <= (widths[1] as number), `no sideways scrolling on a phone: ${widths}`)
    const rightEdges = await page
      .locator('table.servers td')
      .evaluateAll((cells) => cells.map((c) => c.getBoundingClientRect().right))
    t.ok(
      rightEdges.length > 0 && rightEdges.every((r) => r <= 390),
      'every server cell fits the phone screen',
    )
    await page.screenshot({ path: `${ARTIFACTS}setup-page-phone.png`, fullPage: true })

    await page.getByLabel('Your email address').fill('alice@example.com')
    await Promise.all([
      page.waitForURL(/\/setup\?email=/),
      page.getByRole('button', { name: 'Show my settings' }).click(),
    ])
    t.equal(new URL(page.url()).searchParams.get('email'), 'alice@example.com')
    const usernames = await page
      .getByRole('table', { name: 'IMAP account settings' })
      .locator('tbody tr td:last-child')
      .allInnerTexts()
    t.same(usernames, ['alice@example.com', 'alice@example.com'])
    t.equal(await page.getByLabel('Your email address').inputValue(), 'alice@example.com')
    const profile = page.getByRole('link', { name: 'Download the settings profile' })
    t.equal(await profile.getAttribute('href'), '/email.mobileconfig?email=alice%40example.com')
    await page.setViewportSize({ width: 1100, height: 900 })
    await page.screenshot({ path: `${ARTIFACTS}setup-page-personal.png`, fullPage: true })
    t.same(consoleErrors, [], 'no CSP violation or other error in the console')
    t.ok(existsSync(`${ARTIFACTS}setup-page-phone.png`) && existsSync(`${ARTIFACTS}setup-page-personal.png`))
    await context.close()
  })

  t.test('an unknown host gets the friendly 404 page', async (t) => {
    const page = await browser.newPage()
    const response = await page.goto(`http://127.0.0.1:${port}/`)
    t.equal(response?.status(), 404)
    t.equal(await page.locator('h1').textContent(), 'No email settings for this domain')
    t.ok(await page.getByLabel('Your email address').isVisible())
    await page.close()
  })
}
