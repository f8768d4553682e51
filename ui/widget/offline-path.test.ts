// The honest offline path, in Chromium against a real Parley where nobody is online and e-mail
// is not set up: the widget promises no e-mail reply, the visitor writes in the chat and finds
// the reply there when they come back; the agent's composer says, before sending, that the
// visitor cannot be reached by e-mail. Once e-mail is set up, the visitor can have the
// conversation e-mailed to them at the end of the chat.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser } from 'playwright-core'
import { AgentClient, cid, startTestServer, type TestServer } from '../../server/testing/harness.ts'
import { launchBrowser, screenshotPath, signIn } from '../testing/browser.ts'
import { waitForText } from '../testing/wait.ts'
import { bubbles, openDemo, settled } from './widget.testing.ts'
import { startSmtpSink } from '../../server/testing/mail.ts'

let srv: TestServer
let owner: AgentClient
let browser: Browser
const TEST_MS = 90_000
const OWNER = { email: 'owner@example.com', password: 'owner-password' }

beforeAll(async () => {
  srv = await startTestServer()
  owner = new AgentClient(srv.url)
  expect((await owner.setup(OWNER.email, OWNER.password)).status).toBe(201)
  expect((await owner.request('GET', '/api/widget/config')).body).toMatchObject({ online: false, canEmail: false })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await srv?.stop()
})

describe('nobody online and no e-mail', () => {
  it('lets the visitor write in the chat, promises the reply there, and shows it when they come back', async () => {
    const { page, context, errors } = await openDemo(browser, srv.url)
    await page.locator('parley-chat .launcher').click()
    const note = page.locator('parley-chat .note[data-state=offline-chat]')
    await waitForText(note, 'the reply will appear in this chat when you come back')
    // No form asking for an address that nothing would ever write to.
    expect(await page.locator('parley-chat parley-contact-form').count()).toBe(0)
    const composer = page.locator('parley-chat textarea')
    await composer.fill('Do you have the boots in 44?')
    await composer.press('Enter')
    await bubbles(page, 'visitor').filter({ hasText: 'Do you have the boots in 44?' }).waitFor({ timeout: 20_000 })
    await settled(page)
    await page.screenshot({ path: screenshotPath('offline-path-1-widget-no-email') })

    // The visitor leaves; the agent comes, and is told before sending that the reply only waits here.
    const storage = await context.storageState()
    await page.close()
    const list = await owner.request('GET', '/api/conversations?view=unassigned')
    const conversationId: string = list.body.items[0].id
    const visitorId: string = list.body.items[0].visitor.id
    const dash = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const agentPage = await dash.newPage()
    agentPage.setDefaultTimeout(20_000)
    await signIn(agentPage, srv.url, OWNER)
    await agentPage.locator('parley-conversation-list li[data-conversation]').first().click()
    const warning = agentPage.locator('parley-thread .unreachable')
    await waitForText(warning, 'gave no e-mail address: they will see your reply only if they come back to the chat')
    await agentPage.screenshot({ path: screenshotPath('offline-path-2-composer-no-address') })

    // With an address but no SMTP, the reason is the missing e-mail set-up.
    expect((await owner.request('PATCH', `/api/visitors/${visitorId}`, { email: 'pavel@example.com' })).status).toBe(200)
    await waitForText(warning, 'e-mail is not set up, so Parley cannot e-mail them')
    await agentPage.screenshot({ path: screenshotPath('offline-path-3-composer-no-smtp') })

    const composerBox = agentPage.locator('parley-thread parley-composer textarea')
    await composerBox.fill('Yes, size 44 is in stock.')
    await composerBox.press('Enter')
    await agentPage.locator('parley-thread', { hasText: 'Yes, size 44 is in stock.' }).waitFor()
    // The thread shows a reply while it is on its way: close the dashboard once it is stored.
    for (let i = 0; i < 200; i++) {
      const stored = (await owner.request('GET', `/api/conversations/${conversationId}/messages`)).body as { body: string }[]
      if (stored.some((m) => m.body === 'Yes, size 44 is in stock.')) break
      await Bun.sleep(50)
    }
    await dash.close()

    // Back on the site: the reply is in the chat.
    const back = await browser.newContext({ viewport: { width: 1280, height: 800 }, storageState: storage })
    const again = await back.newPage()
    again.setDefaultTimeout(20_000)
    await again.goto(srv.url + '/demo')
    await again.locator('parley-chat .launcher').click()
    await bubbles(again, 'agent').filter({ hasText: 'Yes, size 44 is in stock.' }).waitFor({ timeout: 20_000 })
    await settled(again)
    await again.screenshot({ path: screenshotPath('offline-path-4-reply-in-chat') })
    expect((await owner.request('GET', `/api/conversations/${conversationId}/messages`)).body.map((m: { body: string }) => m.body)).toEqual([
      'Do you have the boots in 44?',
      'Yes, size 44 is in stock.',
    ])
    expect(errors).toEqual([])
    await back.close()
    await context.close()
  }, TEST_MS)
})

describe('with e-mail set up', () => {
  it('promises an e-mail reply in the contact form, and e-mails the visitor the conversation on request', async () => {
    const sink = await startSmtpSink()
    try {
      const smtp = { host: '127.0.0.1', port: sink.port, tls: 'none', fromAddress: 'support@shop.test' }
      expect((await owner.request('PUT', '/api/settings/email', { smtp, imap: null })).status).toBe(200)
      const { page, context, errors } = await openDemo(browser, srv.url)
      await page.locator('parley-chat .launcher').click()
      const form = page.locator('parley-chat parley-contact-form')
      await waitForText(form.locator('.intro'), 'Leave your e-mail and a message and we will get back to you.')
      await form.locator('#email').fill('ines@example.com')
      await form.locator('#body').fill('Can I return the rain shell?')
      await form.locator('button[type=submit]').click()
      await bubbles(page, 'visitor').filter({ hasText: 'Can I return the rain shell?' }).waitFor({ timeout: 20_000 })

      const ask = page.locator('parley-chat button[data-action=transcript]')
      await waitForText(ask, 'E-mail me this conversation')
      await settled(page)
      await page.screenshot({ path: screenshotPath('offline-path-5-transcript-offer') })
      await ask.click()
      await waitForText(page.locator('parley-chat [data-state=transcript-sent]'), 'We sent this conversation to ines@example.com.')
      const mail = await sink.waitFor((m) => m.to[0] === 'ines@example.com')
      expect(mail.parsed.subject).toBe('Your conversation with us')
      expect(mail.parsed.text).toContain('You:\nCan I return the rain shell?')
      await settled(page)
      await page.screenshot({ path: screenshotPath('offline-path-6-transcript-sent') })
      expect(errors).toEqual([])
      await context.close()
    } finally {
      await sink.stop()
    }
  }, TEST_MS)
})
