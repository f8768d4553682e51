// A reply that did not reach the visitor: the thread says why under the message, in the agent's
// own language, with the channel's answer quoted for the owner and the retry button beside it;
// and the card of a Messenger or e-mail visitor shows who they are on that channel instead of
// the website's facts it cannot have. Meta is the fake Graph API, mail a real SMTP server that
// refuses one address and a real IMAP server.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, screenshotPath, requireDashboardBundle } from '../../testing/browser.ts'
import { axeViolations } from '../../testing/axe.ts'
import { waitForText } from '../../testing/wait.ts'
import { cid, startWithOwner, testConfig, type AgentClient, type TestServer } from '../../../server/testing/harness.ts'
import { configureEmail, dovecot, rfc5322, startSmtpSink, type Dovecot, type SmtpSink } from '../../../server/testing/mail.ts'
import { APP_SECRET, ERROR_OUTSIDE_WINDOW, FakeGraph, connectPage, messagingEntry, newPsid, postWebhook, textEvent, webhookBody } from '../../../server/channels/messenger/testing/fake-graph.ts'

let srv: TestServer
let owner: AgentClient
let browser: Browser
let graph: FakeGraph
let dove: Dovecot
let sink: SmtpSink
let mailbox: { user: string; password: string }
let support: string
let pageId: string

beforeAll(async () => {
  requireDashboardBundle()
  dove = await dovecot()
  sink = await startSmtpSink({ rejectRecipient: (a) => (a.startsWith('nobody@') ? '550 5.1.1 <nobody@visitor.test>: Recipient address rejected' : null) })
  ;({ srv, owner } = await startWithOwner({ email: { ...testConfig().email, imapPollMs: 500 } }))
  mailbox = dove.addUser()
  support = (await configureEmail(owner, { dove, sink, ...mailbox })).address
  graph = new FakeGraph()
  pageId = (await connectPage(owner, graph, { name: 'Acme Bikes' })).pageId
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  graph?.stop()
  await srv?.stop()
  await sink?.stop()
}, 60_000)

async function dashboard(): Promise<Page & { errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addCookies([{ name: 'parley_session', value: owner.cookie.split('=')[1]!, url: srv.url }])
  const page = Object.assign(await context.newPage(), { errors: [] as string[] })
  page.on('pageerror', (e) => page.errors.push(e.message))
  page.setDefaultTimeout(10_000)
  await page.goto(srv.url + '/')
  await page.locator('parley-conversation-list').waitFor()
  return page
}

async function openConversation(page: Page, text: string) {
  const row = page.locator('parley-conversation-list li.row', { hasText: text })
  await row.waitFor({ timeout: 15_000 })
  await row.locator('a').click()
}

async function replyInBrowser(page: Page, body: string) {
  const composer = page.locator('parley-thread parley-composer textarea')
  await composer.click()
  await composer.pressSequentially(body)
  await composer.press('Enter')
}

const setLanguage = async (language: string) => expect((await owner.request('PATCH', `/api/agents/${owner.agent!.id}`, { language })).status).toBe(200)

describe('a failed reply in the thread', () => {
  it("shows why a Messenger reply failed under it, in the agent's language, with Meta's answer quoted, and sends it again from the retry button", async () => {
    const psid = newPsid()
    graph.profiles.set(psid, { first_name: 'Marta', last_name: 'Kowalska' })
    await postWebhook(srv.url, pageId, webhookBody(messagingEntry(pageId, [textEvent(pageId, psid, `m_${cid()}`, 'Can I return the red bike?')])), APP_SECRET)
    const page = await dashboard()
    await openConversation(page, 'Can I return the red bike?')
    graph.failNext(ERROR_OUTSIDE_WINDOW)
    await replyInBrowser(page, 'Yes, within 30 days.')

    const failed = page.locator('parley-thread .msg.agent.failed', { hasText: 'Yes, within 30 days.' })
    await waitForText(failed.locator('.failure [data-reason]'), 'Messenger’s messaging window is closed: you can reply once this person writes again.')
    expect(await failed.locator('.failure [data-detail]').textContent()).toBe('(#10) This message is sent outside of allowed window. (Meta error 10/2018278)')
    await failed.locator('.failure button[data-action=retry-messenger]').waitFor()
    await page.screenshot({ path: screenshotPath('delivery-failure-messenger') })
    expect(await axeViolations(page)).toEqual([])

    // The same failure, for an agent who works in German: the sentence follows, Meta's answer stays as Meta wrote it.
    await setLanguage('de')
    try {
      // The address still names the conversation, so the reload opens it again.
      await page.reload()
      await waitForText(failed.locator('.failure [data-reason]'), 'Das Nachrichtenfenster von Messenger ist geschlossen')
      expect(await failed.locator('.failure [data-detail]').textContent()).toBe('(#10) This message is sent outside of allowed window. (Meta error 10/2018278)')
      expect(await failed.locator('.failure button').textContent()).toBe('Erneut versuchen')
      await page.screenshot({ path: screenshotPath('delivery-failure-messenger-de') })

      await failed.locator('.failure button[data-action=retry-messenger]').click()
      const resent = await graph.waitForSend((s) => s.body.recipient.id === psid)
      expect(resent.body.message.text).toBe('Yes, within 30 days.')
      const sent = page.locator('parley-thread .msg.agent', { hasText: 'Yes, within 30 days.' })
      await sent.locator('.state.sent').waitFor()
      expect(await sent.locator('.failure').count()).toBe(0)
    } finally {
      await setLanguage('en')
    }
    expect(page.errors).toEqual([])
    await page.context().close()
  }, 90_000)

  it("shows a reply the mail server refused under it as a refused address, with the server's answer and the retry button", async () => {
    const subject = `Order ${cid().slice(-6)}`
    await dove.append(mailbox.user, rfc5322({ from: 'Nora Novak <nobody@visitor.test>', to: support, subject, messageId: `${cid()}@visitor.test`, body: 'Where is my parcel?' }))
    const page = await dashboard()
    await openConversation(page, 'Where is my parcel?')
    await replyInBrowser(page, 'It left our warehouse today.')

    const failed = page.locator('parley-thread .msg.agent.failed', { hasText: 'It left our warehouse today.' })
    await waitForText(failed.locator('.failure [data-reason]'), 'The mail server refused the visitor’s e-mail address. Check that it is right.', 15_000)
    expect(await failed.locator('.failure [data-detail]').textContent()).toContain('550 5.1.1 <nobody@visitor.test>: Recipient address rejected')
    await failed.locator('.failure button[data-action=retry-mail]').waitFor()
    expect(await failed.locator('.state.failed').textContent()).toContain('Not delivered')
    await page.screenshot({ path: screenshotPath('delivery-failure-email') })
    expect(await axeViolations(page)).toEqual([])
    expect(page.errors).toEqual([])
    await page.context().close()
  }, 90_000)
})

describe('the card of a visitor who writes on another channel', () => {
  it('shows the Messenger page the person writes to, and no empty website sections', async () => {
    const psid = newPsid()
    graph.profiles.set(psid, { first_name: 'Jonas', last_name: 'Berg' })
    await postWebhook(srv.url, pageId, webhookBody(messagingEntry(pageId, [textEvent(pageId, psid, `m_${cid()}`, 'Do you rent bikes too?')])), APP_SECRET)
    const page = await dashboard()
    await openConversation(page, 'Do you rent bikes too?')
    const card = page.locator('parley-visitor-panel')
    await waitForText(card.locator('[data-channel-identity=messenger] [data-messenger-page]'), 'Acme Bikes')
    expect(await card.locator('[data-channel-identity=messenger] h3').textContent()).toBe('Messenger')
    await waitForText(card.locator('[data-channel-identity=messenger] .hint'), 'known only for visitors of your website')
    // None of the website's sections, so none of their "Unknown" and "No pages recorded yet".
    expect(await card.locator('parley-visitor-activity, parley-visitor-recordings, [data-location], [data-browser], [data-os]').count()).toBe(0)
    expect(await card.textContent()).not.toContain('Unknown')
    // Nor whether they are on the website: they never were.
    expect(await card.locator('[data-visitor-online]').count()).toBe(0)
    await card.screenshot({ path: screenshotPath('visitor-card-messenger') })
    expect(await axeViolations(page)).toEqual([])
    expect(page.errors).toEqual([])
    await page.context().close()
  }, 60_000)

  it('shows the address an e-mail visitor writes from, and no empty website sections', async () => {
    await dove.append(mailbox.user, rfc5322({ from: 'Petra Lang <petra.lang@visitor.test>', to: support, subject: 'Opening hours', messageId: `${cid()}@visitor.test`, body: 'Are you open on Saturday?' }))
    const page = await dashboard()
    await openConversation(page, 'Are you open on Saturday?')
    const card = page.locator('parley-visitor-panel')
    await waitForText(card.locator('[data-channel-identity=email] [data-identity-email]'), 'petra.lang@visitor.test')
    expect(await card.locator('parley-visitor-activity, parley-visitor-recordings, [data-location], [data-browser], [data-os]').count()).toBe(0)
    expect(await card.textContent()).not.toContain('Unknown')
    await card.screenshot({ path: screenshotPath('visitor-card-email') })
    expect(page.errors).toEqual([])
    await page.context().close()
  }, 60_000)
})
