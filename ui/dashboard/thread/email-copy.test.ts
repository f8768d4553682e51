// "The visitor has left: also send this reply by e-mail": the composer offers it on a web chat
// whose visitor went away after leaving an address, and the agent's choice decides whether the
// reply reaches the real SMTP server.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, screenshotPath } from '../../testing/browser.ts'
import { axeViolations } from '../../testing/axe.ts'
import { AgentClient, VisitorClient, cid, startTestServer, type TestServer } from '../../../server/testing/harness.ts'
import { startSmtpSink, type SmtpSink } from '../../../server/testing/mail.ts'

let srv: TestServer
let sink: SmtpSink
let browser: Browser
let owner: AgentClient

beforeAll(async () => {
  srv = await startTestServer()
  sink = await startSmtpSink()
  owner = new AgentClient(srv.url)
  await owner.setup()
  const r = await owner.request('PUT', '/api/settings/email', {
    smtp: { host: '127.0.0.1', port: sink.port, tls: 'none', fromAddress: 'support@shop.test', fromName: 'Shop Support' },
    imap: null,
  })
  expect(r.status).toBe(200)
  browser = await launchBrowser()
}, 30_000)

afterAll(async () => {
  await browser?.close()
  await sink?.stop()
  await srv?.stop()
})

async function dashboard(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addCookies([{ name: 'parley_session', value: owner.cookie.split('=')[1]!, url: srv.url }])
  const page = await context.newPage()
  page.setDefaultTimeout(8000)
  await page.goto(srv.url + '/')
  await page.locator('parley-conversation-list').waitFor()
  return page
}

describe('replying to a visitor who has left', () => {
  it('offers to e-mail the reply, and sends it only while the box is ticked', async () => {
    const visitor = await VisitorClient.create(srv.url)
    await visitor.request('POST', '/api/widget/contact', { email: 'jana@example.cz', name: 'Jana', body: 'Is the blue jacket back in stock?', clientId: cid() })
    const page = await dashboard()
    await page.locator('parley-conversation-list li[data-conversation]').first().click()
    const notice = page.locator('parley-thread .email-copy')
    await notice.waitFor()
    expect(await notice.textContent()).toContain('jana@example.cz')
    await page.screenshot({ path: screenshotPath('dashboard-email-copy') })
    expect(await axeViolations(page)).toEqual([])

    const checkbox = notice.locator('input[type=checkbox]')
    expect(await checkbox.isChecked()).toBe(true)
    await checkbox.uncheck()
    const composer = page.locator('parley-thread parley-composer textarea')
    await composer.fill('Only in the chat, please.')
    await composer.press('Enter')
    await checkbox.check()
    await composer.fill('Yes, it is back in all sizes.')
    await composer.press('Enter')

    const mail = await sink.waitFor((m) => m.parsed.text?.includes('Yes, it is back in all sizes.') ?? false, 15_000)
    expect(mail.to).toEqual(['jana@example.cz'])
    // The outbox sends in order, so the first reply would have gone before the second.
    expect(sink.mails.some((m) => m.parsed.text?.includes('Only in the chat') ?? false)).toBe(false)
    await page.context().close()
  }, 60_000)

  it('does not offer it while the visitor is still on the site', async () => {
    const visitor = await VisitorClient.create(srv.url)
    await visitor.request('POST', '/api/widget/me', { email: 'petr@example.cz' })
    const ws = await visitor.socket()
    await ws.waitFor('hello')
    ws.send({ type: 'message.send', clientId: cid(), body: 'Still here!' })
    await ws.waitFor('ack')
    const page = await dashboard()
    await page.locator('parley-conversation-list li[data-conversation]', { hasText: 'Still here!' }).click()
    await page.locator('parley-thread parley-composer').waitFor()
    await Bun.sleep(300)
    expect(await page.locator('parley-thread .email-copy').count()).toBe(0)
    ws.close()
    // once the widget is gone, the offer appears
    await page.locator('parley-thread .email-copy').waitFor({ timeout: 8000 })
    await page.context().close()
  }, 60_000)
})
