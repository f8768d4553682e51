// <parley-email-settings> in Debian's Chromium against a real Parley, Dovecot and smtp-server:
// the owner fills in both halves, the test buttons show the servers' answers, saving turns the
// channel on, and a saved password never comes back.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { AgentClient, startTestServer, type TestServer } from '../../../server/testing/harness.ts'
import { dovecot, startSmtpSink, type Dovecot, type SmtpSink } from '../../../server/testing/mail.ts'
import { launchBrowser, screenshotPath } from '../../testing/browser.ts'

const TEST_MS = 60_000
let srv: TestServer
let owner: AgentClient
let browser: Browser
let dove: Dovecot
let sink: SmtpSink
let bundle = ''
const outDir = mkdtempSync(join(tmpdir(), 'parley-email-ui-'))

beforeAll(async () => {
  // The dashboard with this element in it (the dashboard mounts it in its settings; this test
  // does not depend on where).
  const entry = join(outDir, 'entry.ts')
  await Bun.write(entry, `import '${resolve(import.meta.dir, '../index.ts')}'\nimport '${resolve(import.meta.dir, 'email-settings.ts')}'\n`)
  const built = await Bun.build({ entrypoints: [entry], outdir: outDir, target: 'browser' })
  if (!built.success) throw new Error(built.logs.join('\n'))
  bundle = await Bun.file(built.outputs[0]!.path).text()
  srv = await startTestServer()
  owner = new AgentClient(srv.url)
  await owner.setup()
  dove = await dovecot()
  sink = await startSmtpSink()
  browser = await launchBrowser()
}, TEST_MS)

afterAll(async () => {
  await browser?.close()
  await sink?.stop()
  await srv?.stop()
  rmSync(outDir, { recursive: true, force: true })
})

async function openSettings(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } })
  await page.route(/\/assets\/dashboard\.([0-9a-f]{16}\.)?js$/, (route) => route.fulfill({ contentType: 'text/javascript', body: bundle }))
  await page.goto(srv.url + '/')
  await page.locator('parley-app input[type=email]').first().fill('owner@example.com')
  await page.locator('parley-app input[type=password]').first().fill('owner-password')
  await page.locator('parley-app input[type=password]').first().press('Enter')
  await page.waitForFunction(() => !document.querySelector('parley-app')?.shadowRoot?.querySelector('parley-login'), null, { timeout: 15_000 })
  // mount the page where the app shows its main content
  await page.evaluate(() => {
    const root = document.querySelector('parley-app')!.shadowRoot!
    const host = root.querySelector('main') ?? root
    const el = document.createElement('parley-email-settings')
    el.style.cssText = 'position:fixed;inset:0;z-index:1000'
    host.appendChild(el)
  })
  await page.locator('parley-email-settings [data-status]').waitFor({ timeout: 10_000 })
  return page
}

describe('<parley-email-settings>', () => {
  it('says e-mail is off, tests both servers with their own answers, saves, and never shows a saved password', async () => {
    const page = await openSettings()
    const el = page.locator('parley-email-settings')
    await expect(el.locator('[data-status]').textContent()).resolves.toContain('E-mail is off')

    await el.locator('input[name=smtp-on]').check()
    await el.locator('#smtp-host').fill('127.0.0.1')
    await el.locator('#smtp-tls').selectOption('none')
    await el.locator('#smtp-port').fill(String(sink.port))
    await el.locator('#smtp-fromName').fill('Acme Support')
    // the address is required: the button says so instead of asking the server
    await el.locator('[data-action=test-smtp]').click()
    await expect(el.locator('#smtp-fromAddress').getAttribute('aria-invalid')).resolves.toBe('true')
    await el.locator('#smtp-fromAddress').fill('support@acme.test')
    await el.locator('[data-action=test-smtp]').click()
    await el.locator('.result.ok').waitFor({ timeout: 15_000 })
    expect(await el.locator('.result.ok').textContent()).toBe(`It works: connected to 127.0.0.1:${sink.port}.`)

    const { user, password } = dove.addUser('ui')
    await el.locator('input[name=imap-on]').check()
    await el.locator('#imap-host').fill('127.0.0.1')
    await el.locator('#imap-tls').selectOption('none')
    await el.locator('#imap-port').fill(String(dove.port))
    await el.locator('#imap-user').fill(user)
    await el.locator('#imap-password').fill('not-the-password')
    await el.locator('[data-action=test-imap]').click()
    await el.locator('.result.bad').waitFor({ timeout: 15_000 })
    // the reason in the agent's words, then the server's own answer as a quotation
    expect(await el.locator('.result.bad').textContent()).toMatch(/^The server refused the user name or password\. The server’s answer: .*auth/i)
    await el.locator('#imap-password').fill(password)
    await el.locator('[data-action=test-imap]').click()
    await el.locator('.result.ok >> nth=1').waitFor({ timeout: 15_000 })
    expect(await el.locator('.result.ok >> nth=1').textContent()).toMatch(/^It works: signed in to 127\.0\.0\.1:\d+ as \S+\. The folder INBOX holds \d+ messages?\. New mail will arrive at once\.$/)
    await el.locator('input[name=plus]').check()
    await page.screenshot({ path: screenshotPath('email-settings-filled') })

    await el.locator('button[type=submit]').click()
    await el.locator('.notice').waitFor({ timeout: 10_000 })
    await page.waitForFunction(
      () => document.querySelector('parley-app')!.shadowRoot!.querySelector('parley-email-settings')!.shadowRoot!.querySelector('[data-status]')!.textContent!.includes('E-mail is on'),
      null,
      { timeout: 10_000 },
    )
    const saved = await owner.request('GET', '/api/settings/email')
    expect(saved.body.smtp).toMatchObject({ host: '127.0.0.1', port: sink.port, tls: 'none', fromAddress: 'support@acme.test', fromName: 'Acme Support' })
    expect(saved.body.imap).toMatchObject({ user, hasPassword: true })
    expect(saved.body.plusAddressing).toBe(true)
    await page.close()

    // opened again: the password field is empty (with a note that one is saved), and saving keeps it
    const again = await openSettings()
    const el2 = again.locator('parley-email-settings')
    await el2.locator('#imap-password').waitFor()
    expect(await el2.locator('#imap-password').inputValue()).toBe('')
    expect(await el2.locator('#imap-password').getAttribute('placeholder')).toContain('Saved')
    expect(await again.content()).not.toContain(password)
    await el2.locator('button[type=submit]').click()
    await el2.locator('.notice').waitFor({ timeout: 10_000 })
    const test = await owner.request('POST', '/api/settings/email/test-imap', { host: '127.0.0.1', port: dove.port, tls: 'none', user })
    expect(test.body.ok).toBe(true)
    await again.screenshot({ path: screenshotPath('email-settings-saved') })
    await again.close()
  }, TEST_MS)

  it('keeps the port field in line with the host when the host says it is required', async () => {
    const page = await openSettings()
    const el = page.locator('parley-email-settings')
    await el.locator('input[name=smtp-on]').check()
    await el.locator('input[name=imap-on]').check()
    const tops = () =>
      el.evaluate((host) => {
        const top = (id: string) => host.shadowRoot!.getElementById(id)!.getBoundingClientRect().top
        return { imap: [top('imap-host'), top('imap-port')], smtp: [top('smtp-host'), top('smtp-port')] }
      })
    for (const id of ['#imap-host', '#smtp-host']) await el.locator(id).fill('')
    await el.locator('button[type=submit]').click()
    await expect(el.locator('#imap-host').getAttribute('aria-invalid')).resolves.toBe('true')
    await expect(el.locator('#smtp-host').getAttribute('aria-invalid')).resolves.toBe('true')
    await page.screenshot({ path: screenshotPath('email-settings-required') })
    const shown = await tops()
    expect(shown.imap[1]).toBe(shown.imap[0]!)
    expect(shown.smtp[1]).toBe(shown.smtp[0]!)
    await page.close()
  }, TEST_MS)
})
