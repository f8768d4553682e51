// The offline form, in Chromium on the demo page, against a real Parley where no agent is online
// and e-mail is set up (without it the form promises nothing: see ../offline-path.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser } from 'playwright-core'
import { AgentClient, startTestServer, type TestServer } from '../../../server/testing/harness.ts'
import { launchBrowser, screenshotPath } from '../../testing/browser.ts'
import { axeViolations } from '../../testing/axe.ts'
import { bubbles, focused, openDemo, settled, until } from '../widget.testing.ts'
import { startSmtpSink, type SmtpSink } from '../../../server/testing/mail.ts'

let srv: TestServer
let owner: AgentClient
let browser: Browser
let sink: SmtpSink
const TEST_MS = 60_000

beforeAll(async () => {
  srv = await startTestServer()
  owner = new AgentClient(srv.url)
  expect((await owner.setup()).status).toBe(201)
  sink = await startSmtpSink()
  const smtp = { host: '127.0.0.1', port: sink.port, tls: 'none', fromAddress: 'support@shop.test' }
  expect((await owner.request('PUT', '/api/settings/email', { smtp, imap: null })).status).toBe(200)
  // The owner is signed in over HTTP only: no dashboard socket, so nobody is online.
  expect((await owner.request('GET', '/api/widget/config')).body.online).toBe(false)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await srv?.stop()
  await sink?.stop()
})

describe('the offline form', () => {
  it('asks for a valid e-mail and creates a conversation with it when nobody is online', async () => {
    const { page, context, errors } = await openDemo(browser, srv.url)
    await page.locator('parley-chat .launcher').click()
    const form = page.locator('parley-chat parley-contact-form')
    await form.locator('h3', { hasText: 'Leave us a message' }).waitFor({ timeout: 10_000 })
    expect(await page.locator('parley-chat .status').textContent()).toBe('We are away right now')
    expect(await page.locator('parley-chat textarea[aria-label="Write a message…"]').count()).toBe(0)
    await until(async () => (await focused(page)) === 'input', 'focus on the e-mail field')

    // Nothing filled in: both required fields say so, and focus goes to the first.
    await form.locator('button[type=submit]').click()
    expect(await form.locator('#email-error').textContent()).toBe('Please enter your e-mail address.')
    expect(await form.locator('#body-error').textContent()).toBe('Please write a message.')
    expect(await form.locator('#email').getAttribute('aria-invalid')).toBe('true')
    expect(await form.locator('#email').getAttribute('aria-describedby')).toBe('email-error')

    await form.locator('#email').fill('jana.novak@')
    await form.locator('#name').fill('Jana Nováková')
    await form.locator('#body').fill('Do the boots come in size 48?\nThanks!')
    await form.locator('button[type=submit]').click()
    expect(await form.locator('#email-error').textContent()).toBe('This e-mail address does not look right.')
    await settled(page)
    await page.screenshot({ path: screenshotPath('widget-4-offline-form') })
    // The offline form with its errors showing meets WCAG 2.2 AA.
    expect(await axeViolations(page)).toEqual([])
    expect((await owner.request('GET', '/api/conversations?view=unassigned')).body.items ?? []).toEqual([])

    await form.locator('#email').fill('jana.novak@example.com')
    await form.locator('button[type=submit]').click()
    await bubbles(page, 'visitor').filter({ hasText: 'Do the boots come in size 48?' }).waitFor({ timeout: 10_000 })
    await page.locator('parley-chat .note', { hasText: 'Thank you! We will reply to jana.novak@example.com.' }).waitFor({ timeout: 10_000 })
    // After the form, the visitor can go on writing in the chat.
    await until(async () => (await focused(page)) === 'textarea', 'focus on the composer')
    await settled(page)
    await page.screenshot({ path: screenshotPath('widget-4b-offline-sent') })
    expect(await axeViolations(page)).toEqual([])

    const list = await owner.request('GET', '/api/conversations?view=unassigned')
    expect(list.status).toBe(200)
    const items: { id: string; visitor: { email: string | null; name: string | null } }[] = list.body.items
    expect(items).toHaveLength(1)
    expect(items[0]!.visitor).toMatchObject({ email: 'jana.novak@example.com', name: 'Jana Nováková' })
    const thread = await owner.request('GET', `/api/conversations/${items[0]!.id}/messages`)
    expect(thread.body.map((m: { body: string }) => m.body)).toEqual(['Do the boots come in size 48?\nThanks!'])

    // A reload shows the conversation, not the form again.
    await page.reload()
    await bubbles(page, 'visitor').filter({ hasText: 'Do the boots come in size 48?' }).waitFor({ timeout: 10_000 })
    expect(await page.locator('parley-chat parley-contact-form').count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it('is translated: Czech labels and validation messages', async () => {
    const { page, context, errors } = await openDemo(browser, srv.url, { locale: 'cs-CZ' })
    await page.locator('parley-chat .launcher').click()
    const form = page.locator('parley-chat parley-contact-form')
    await form.locator('h3', { hasText: 'Zanechte nám zprávu' }).waitFor({ timeout: 10_000 })
    expect(await form.locator('label[for=email]').textContent()).toBe('E-mail')
    expect(await form.locator('label[for=name]').textContent()).toBe('Jméno (nepovinné)')
    await form.locator('button[type=submit]').click()
    expect(await form.locator('#email-error').textContent()).toBe('Zadejte prosím svou e-mailovou adresu.')
    expect(await form.locator('.intro').textContent()).toBe('Právě nejsme online. Nechte nám svůj e-mail a zprávu a ozveme se vám.')
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)
})
