// The webhook settings on the Integrations page, in a real Chromium against a real Parley and a
// local HTTP receiver: add a receiver (a bad URL is refused), see its secret, send a test, read
// the delivery log, pause it.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser } from 'playwright-core'
import { createHmac } from 'node:crypto'
import { Pages, launchBrowser, screenshotPath, signIn, requireDashboardBundle } from '../../testing/browser.ts'
import { waitForText } from '../../testing/wait.ts'
import { AgentClient, startWithOwner, type TestServer } from '../../../server/testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let browser: Browser
const pages = new Pages(() => browser, 15_000)
const got: { headers: Headers; body: string }[] = []
const receiver = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  async fetch(req) {
    got.push({ headers: req.headers, body: await req.text() })
    return new Response('received')
  },
})
const RECEIVER = `http://127.0.0.1:${receiver.port}/parley`

beforeAll(async () => {
  requireDashboardBundle()
  ;({ srv, owner } = await startWithOwner())
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await pages.close()
  await browser?.close()
  await srv?.stop()
  receiver.stop(true)
}, 60_000)

describe('webhook settings', () => {
  it('adds a receiver, shows its secret, sends a signed test, logs it and pauses the webhook', async () => {
    const page = await pages.open(1100, 1100)
    await signIn(page, srv.url, { email: 'owner@example.com', password: 'owner-password' })
    await page.goto(`${srv.url}/#/integrations`)
    const section = page.locator('parley-webhooks-settings')
    await waitForText(section.locator('h2'), 'Webhooks')
    await section.locator('p.hint', { hasText: 'No webhooks yet.' }).waitFor()

    const form = section.locator('form[data-form=webhook]')
    await form.locator('input[name=url]').fill('ftp://example.com/hook')
    await form.locator('button[type=submit]').click()
    await waitForText(form.locator('#webhook-url-msg'), 'Enter an http:// or https:// address.')

    await form.locator('input[name=url]').fill(RECEIVER)
    for (const e of ['conversation.created', 'conversation.resolved', 'conversation.reopened', 'conversation.missed']) {
      await form.locator(`input[name=events][value="${e}"]`).uncheck()
    }
    await form.locator('button[type=submit]').click()
    await waitForText(section.locator('.notice'), 'The webhook is added.')
    const hook = section.locator('li.hook').first()
    await waitForText(hook.locator('.url'), RECEIVER)
    await waitForText(hook.locator('.events'), 'message.created')
    const secret = ((await hook.locator('.secret').textContent()) ?? '').replace(/^.*: /, '').trim()
    expect(secret).toMatch(/^whsec_/)
    const [stored] = (await owner.request('GET', '/api/settings/webhooks')).body.webhooks
    expect(stored).toMatchObject({ url: RECEIVER, events: ['message.created'], active: true })

    await hook.locator('button[data-action=test]').click()
    await waitForText(section.locator('.notice'), 'A test delivery is on its way.')
    const deadline = Date.now() + 15_000
    while (!got.some((g) => g.headers.get('x-parley-event') === 'webhook.test')) {
      if (Date.now() > deadline) throw new Error('the receiver got no test delivery')
      await Bun.sleep(50)
    }
    const test = got.find((g) => g.headers.get('x-parley-event') === 'webhook.test')!
    const sig = Object.fromEntries(test.headers.get('x-parley-signature')!.split(',').map((p) => p.split('=') as [string, string]))
    expect(sig.v1).toBe(createHmac('sha256', secret).update(`${sig.t}.${test.body}`).digest('hex'))

    // The log shows it delivered (it may still read "Queued" when first opened).
    for (;;) {
      await hook.locator('button[data-action=log]').click()
      const status = await hook.locator('tr[data-delivery] .pill').first().textContent({ timeout: 5000 }).catch(() => '')
      if (status === 'Delivered') break
      if (Date.now() > deadline) throw new Error(`the log did not show the delivery as delivered (last: ${status})`)
      await Bun.sleep(200)
    }
    await waitForText(hook.locator('tr[data-delivery]'), 'webhook.test')
    await waitForText(hook.locator('tr[data-delivery]'), '200')
    await section.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('webhooks-1-log'), fullPage: true })

    await hook.locator('button[data-action=toggle]').click()
    await waitForText(hook.locator('.events'), 'paused')
    expect((await owner.request('GET', '/api/settings/webhooks')).body.webhooks[0].active).toBe(false)
    await page.screenshot({ path: screenshotPath('webhooks-2-paused'), fullPage: true })
    expect(page.errors).toEqual([])
  }, 90_000)
})
