// The e-mail notification settings on the account page, in a real Chromium against a real
// Parley: without SMTP the page says nothing can be sent; the owner sets the team's defaults; an
// agent switches their own notices, and what they chose is what the server stores.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser } from 'playwright-core'
import { Pages, launchBrowser, screenshotPath, signIn, type WatchedPage, requireDashboardBundle } from '../../testing/browser.ts'
import { waitForCount, waitForText } from '../../testing/wait.ts'
import { AgentClient, startWithOwner, type TestServer } from '../../../server/testing/harness.ts'
import { startSmtpSink, type SmtpSink } from '../../../server/testing/mail.ts'

let srv: TestServer
let owner: AgentClient
let browser: Browser
let sink: SmtpSink
const pages = new Pages(() => browser, 10_000)
const OWNER = { email: 'owner@example.com', password: 'owner-password' }
const AGENT = { email: 'lena@example.com', password: 'agent-password' }

beforeAll(async () => {
  requireDashboardBundle()
  sink = await startSmtpSink()
  ;({ srv, owner } = await startWithOwner())
  const r = await owner.request('POST', '/api/agents', { ...AGENT, name: 'Lena', role: 'limited' })
  if (r.status !== 201) throw new Error(`agent: ${r.status}`)
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await pages.close()
  await browser?.close()
  await srv?.stop()
  await sink?.stop()
}, 60_000)

async function accountPage(who: { email: string; password: string }): Promise<WatchedPage> {
  const page = await pages.open(1100, 1000)
  await signIn(page, srv.url, who)
  await page.goto(`${srv.url}/#/account`)
  await page.locator('parley-notification-settings form[data-form=notifications]').waitFor()
  return page
}

describe('notification settings', () => {
  it('tells the owner that nothing can be sent without SMTP, and links to the e-mail settings', async () => {
    const page = await accountPage(OWNER)
    const section = page.locator('parley-notification-settings')
    await waitForText(section.locator('[data-state=cannot-send]'), 'Notifications cannot be sent: e-mail (SMTP) is not set up.')
    expect(await section.locator('[data-state=cannot-send] a').getAttribute('href')).toBe('#/email')
    await section.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('notifications-1-no-smtp') })
    expect(page.errors).toEqual([])
  })

  it("lets the owner set the team's defaults, which an agent who never chose then gets", async () => {
    const page = await accountPage(OWNER)
    const team = page.locator('parley-notification-settings form[data-form=notification-defaults]')
    expect(await team.locator('input[name=missedConversation]').isChecked()).toBe(true)
    await team.locator('input[name=missedConversation]').uncheck()
    await team.locator('button[type=submit]').click()
    await waitForText(team.locator('.notice'), 'The team defaults are saved.')
    expect((await owner.request('GET', '/api/settings/notifications/defaults')).body).toEqual({ offlineMessage: true, missedConversation: false })

    const lena = new AgentClient(srv.url)
    await lena.login(AGENT.email, AGENT.password)
    expect((await lena.request('GET', '/api/settings/notifications')).body.effective).toEqual({ offlineMessage: true, missedConversation: false })
    await team.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('notifications-2-team-defaults') })
  })

  it('lets an agent switch their own notices, and shows no team defaults to them', async () => {
    const r = await owner.request('PUT', '/api/settings/email', {
      smtp: { host: '127.0.0.1', port: sink.port, tls: 'none', fromAddress: 'support@support.test' },
      imap: null,
    })
    expect(r.status).toBe(200)
    const page = await accountPage(AGENT)
    const section = page.locator('parley-notification-settings')
    await waitForText(section.locator('.section-lead'), 'lena@example.com')
    await waitForCount(section.locator('[data-state=cannot-send]'), 0)
    await waitForCount(section.locator('form[data-form=notification-defaults]'), 0)
    const mine = section.locator('form[data-form=notifications]')
    expect(await mine.locator('input[name=missedConversation]').isChecked()).toBe(false)
    await mine.locator('input[name=offlineMessage]').uncheck()
    await mine.locator('input[name=missedConversation]').check()
    await mine.locator('button[type=submit]').click()
    await waitForText(mine.locator('.notice'), 'Your notifications are saved.')
    await section.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('notifications-3-agent') })

    const lena = new AgentClient(srv.url)
    await lena.login(AGENT.email, AGENT.password)
    expect((await lena.request('GET', '/api/settings/notifications')).body).toMatchObject({
      own: { offlineMessage: false, missedConversation: true },
      canSend: true,
    })
    expect(page.errors).toEqual([])
  })
})
