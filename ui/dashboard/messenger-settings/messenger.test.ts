// Messenger in a real Chromium against a real Parley and the fake Graph API: the owner connects a
// page on the settings page (callback URL and verify token to copy), a person's message arrives
// with the blue Messenger icon in the list and the thread, the composer says how long the window
// stays open, an agent's reply reaches the Send API, and an expired token shows a banner and the
// failed reply with Meta's error and a retry button.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser } from 'playwright-core'
import { deflateSync } from 'node:zlib'
import { Pages, launchBrowser, screenshotPath, signIn, requireDashboardBundle } from '../../testing/browser.ts'
import { waitForCount, waitForText } from '../../testing/wait.ts'
import { AgentClient, startTestServer, type TestServer } from '../../../server/testing/harness.ts'
import { APP_ID, APP_SECRET, FakeGraph, messagingEntry, newPsid, postWebhook, textEvent, webhookBody } from '../../../server/channels/messenger/testing/fake-graph.ts'

let srv: TestServer
let browser: Browser
let graph: FakeGraph
const pages = new Pages(() => browser, 10_000)
const OWNER = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'owner-password' }
const PAGE_ID = '104729384756102'
let token = ''

beforeAll(async () => {
  requireDashboardBundle()
  srv = await startTestServer({ ownerEmail: OWNER.email, ownerPassword: OWNER.password, ownerName: OWNER.name })
  graph = new FakeGraph()
  token = graph.addPage(PAGE_ID, 'Acme Bikes')
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await pages.close()
  await browser?.close()
  graph?.stop()
  await srv?.stop()
}, 60_000)

const BLUE_ICON = '.channel svg path[fill="#0a7cff"]'

/** A real PNG of one colour (the browser must decode it), built here: crc32 and zlib, nothing else. */
function png(width: number, height: number, [r, g, b]: [number, number, number]): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (bytes: Uint8Array) => {
    let c = 0xffffffff
    for (const x of bytes) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length)
    const view = new DataView(out.buffer)
    view.setUint32(0, data.length)
    out.set(new TextEncoder().encode(type), 4)
    out.set(data, 8)
    view.setUint32(8 + data.length, crc(out.subarray(4, 8 + data.length)))
    return out
  }
  const header = new Uint8Array(13)
  new DataView(header.buffer).setUint32(0, width)
  new DataView(header.buffer).setUint32(4, height)
  header.set([8, 2, 0, 0, 0], 8)
  const raw = new Uint8Array(height * (1 + width * 3))
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set([r, g, b], y * (1 + width * 3) + 1 + x * 3)
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', new Uint8Array(deflateSync(raw))), chunk('IEND', new Uint8Array())]
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

describe('Messenger in the dashboard', () => {
  it('connects a page on the settings page, showing the callback URL and verify token to copy', async () => {
    const page = await pages.open(1280, 1100)
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url })
    await signIn(page, srv.url, OWNER)
    await page.locator('header.top nav a[href="#/messenger"]').click()
    const settings = page.locator('parley-messenger-settings')
    await waitForText(settings.locator('h1'), 'Facebook Messenger')
    // With no page, the Pages card says so, once (no status line above it saying the same).
    await waitForText(settings.locator('[data-no-pages]'), 'No page is connected yet. Connect one below.')
    expect(await settings.locator('[data-status]').count()).toBe(0)

    // Tests point the Graph API at the local fake.
    await settings.locator('#graph-url').fill(graph.url)
    await settings.locator('button[data-action=save-graph]').click()
    await waitForText(settings.locator('section[aria-labelledby=graph-h] .notice'), 'Saved.')

    // A missing field is named, and nothing is sent.
    await settings.locator('#add-pageId').fill(PAGE_ID)
    await settings.locator('button[data-action=connect]').click()
    await waitForCount(settings.locator('[aria-invalid=true]'), 2)
    await settings.locator('#add-accessToken').fill(token)
    await settings.locator('#add-appSecret').fill(APP_SECRET)
    await settings.locator('#add-appId').fill(APP_ID)
    await settings.locator('button[data-action=connect]').click()

    const item = settings.locator(`[data-page="${PAGE_ID}"]`)
    await waitForText(item.locator('.page-head'), 'Acme Bikes')
    await waitForText(item.locator('[data-state]'), 'Connected')
    await waitForText(settings.locator('[data-status]'), 'Messenger is connected.')
    const url = `${srv.url}/webhooks/messenger/${PAGE_ID}`
    expect(await item.locator(`[data-copy="url-${PAGE_ID}"]`).inputValue()).toBe(url)
    const verifyToken = await item.locator(`[data-copy="token-${PAGE_ID}"]`).inputValue()
    expect(verifyToken.length).toBeGreaterThan(30)
    await item.locator(`button[data-action="copy-url-${PAGE_ID}"]`).click()
    await waitForText(item.locator(`button[data-action="copy-url-${PAGE_ID}"]`), 'Copied')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url)
    // The secrets went in and stay out of the page.
    expect(await settings.evaluate((el) => el.shadowRoot!.innerHTML)).not.toContain(APP_SECRET)
    expect(await page.content()).not.toContain(token)
    await page.screenshot({ path: screenshotPath('messenger-1-settings'), fullPage: true })

    // The handshake Meta makes with what the page shows works.
    const r = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=4242`)
    expect([r.status, await r.text()]).toEqual([200, '4242'])
    // …and so do deliveries signed with the app secret typed in.
    expect((await postWebhook(srv.url, PAGE_ID, webhookBody(), APP_SECRET)).status).toBe(200)
    expect(page.errors).toEqual([])
  }, 90_000)

  it('shows a Messenger chat with the blue icon, the time left to reply, and sends the reply to the Send API', async () => {
    const page = await pages.open(1280, 800)
    await signIn(page, srv.url, OWNER)
    const psid = newPsid()
    graph.profiles.set(psid, { first_name: 'Marta', last_name: 'Kowalska' })
    const sent = await postWebhook(srv.url, PAGE_ID, webhookBody(messagingEntry(PAGE_ID, [textEvent(PAGE_ID, psid, 'm_ui_1', 'Is the red bike still in stock?')])), APP_SECRET)
    expect(sent.status).toBe(200)

    const row = page.locator('parley-conversation-list li.row', { hasText: 'Is the red bike still in stock?' })
    await waitForText(row, 'Marta Kowalska')
    await row.locator(BLUE_ICON).waitFor()
    await row.locator('a').click()
    const thread = page.locator('parley-thread')
    await thread.locator(`header ${BLUE_ICON}`).waitFor()
    await waitForText(thread.locator('header .sub'), 'Messenger')
    await waitForText(thread.locator('parley-messenger-window [data-window=open]'), 'left to reply')
    await waitForText(thread.locator('parley-messenger-window .line'), /2[34] hr/)

    // A photo follows: shown under its message, served as a download.
    graph.files.set('red-bike.png', { type: 'image/png', bytes: png(120, 80, [220, 38, 38]) })
    await postWebhook(srv.url, PAGE_ID, webhookBody(messagingEntry(PAGE_ID, [{ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: Date.now(), message: { mid: 'm_ui_photo', attachments: [{ type: 'image', payload: { url: `${graph.url}/files/red-bike.png` } }] } }])), APP_SECRET)
    const photo = thread.locator('parley-attachment-list img[alt="red-bike.png"]')
    await photo.waitFor()
    await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth === 120, await photo.elementHandle(), { timeout: 10_000 })
    // Decoded, not just sized from its header: the middle pixel is the photo's red.
    const pixel = await photo.evaluate((img: HTMLImageElement) => {
      const c = document.createElement('canvas')
      c.width = img.naturalWidth
      c.height = img.naturalHeight
      const g = c.getContext('2d')!
      g.drawImage(img, 0, 0)
      return [...g.getImageData(60, 40, 1, 1).data]
    })
    expect(pixel).toEqual([220, 38, 38, 255])

    const composer = thread.locator('parley-composer textarea')
    await composer.click()
    await composer.pressSequentially('Yes, in all sizes!')
    await composer.press('Enter')
    const out = await graph.waitForSend((s) => s.body.recipient.id === psid)
    expect([out.body.messaging_type, out.body.message.text]).toEqual(['RESPONSE', 'Yes, in all sizes!'])
    await thread.locator('.msg.agent .state.sent').waitFor()
    // Meta echoes it (not shown twice); a colleague answers from Meta's own inbox (shown, and said so).
    const echo = (mid: string, text: string, appId: string) => webhookBody(messagingEntry(PAGE_ID, [{ sender: { id: PAGE_ID }, recipient: { id: psid }, timestamp: Date.now(), message: { is_echo: true, app_id: appId, mid, text } }]))
    await postWebhook(srv.url, PAGE_ID, echo(out.messageId, 'Yes, in all sizes!', APP_ID), APP_SECRET)
    await postWebhook(srv.url, PAGE_ID, echo('m_ui_suite', 'Pick-up is possible too.', '263902037430900'), APP_SECRET)
    await waitForText(thread.locator('.msg.agent').last(), 'Sent from Meta Business Suite')
    await waitForCount(thread.locator('.msg.agent'), 2)
    await page.screenshot({ path: screenshotPath('messenger-2-thread') })
    expect(page.errors).toEqual([])
  }, 90_000)

  it("shows a banner and the failed reply with Meta's error and a retry button once the token expires", async () => {
    const page = await pages.open(1280, 800)
    await signIn(page, srv.url, OWNER)
    const psid = newPsid()
    await postWebhook(srv.url, PAGE_ID, webhookBody(messagingEntry(PAGE_ID, [textEvent(PAGE_ID, psid, 'm_ui_2', 'Do you ship to Brno?')])), APP_SECRET)
    const row = page.locator('parley-conversation-list li.row', { hasText: 'Do you ship to Brno?' })
    await row.locator('a').click()
    const conversationHash = await page.evaluate(() => location.hash)
    graph.expire(token)
    const thread = page.locator('parley-thread')
    const composer = thread.locator('parley-composer textarea')
    await composer.click()
    await composer.pressSequentially('We do, in two days.')
    await composer.press('Enter')
    await waitForText(thread.locator('.msg.agent .state.failed'), 'Not delivered')
    // Why, in the agent's words, with Meta's own answer quoted after it for the owner.
    await waitForText(thread.locator('.msg.agent .failure [data-reason]'), 'The page’s access to Messenger has expired')
    await waitForText(thread.locator('.msg.agent .failure [data-detail]'), 'Meta error 190')
    await thread.locator('.msg.agent button[data-action=retry-messenger]').waitFor()
    // The banner comes with the next look at the channels (on navigation, or within a minute).
    await page.evaluate(() => (location.hash = '#/'))
    await waitForText(page.locator('parley-messenger-banner .banner'), 'Messenger is not working: Acme Bikes: the page access token has expired or was revoked', 10_000)
    await page.locator('parley-messenger-banner a[href="#/messenger"]').waitFor()
    await page.evaluate((hash) => (location.hash = hash), conversationHash)
    await thread.locator('.msg.agent button[data-action=retry-messenger]').waitFor()
    await page.screenshot({ path: screenshotPath('messenger-3-expired') })

    await page.locator('parley-messenger-banner a[href="#/messenger"]').click()
    const item = page.locator(`parley-messenger-settings [data-page="${PAGE_ID}"]`)
    await waitForText(item.locator('[data-state]'), 'Token expired')
    await page.screenshot({ path: screenshotPath('messenger-4-expired-settings'), fullPage: true })
    expect(page.errors).toEqual([])
  }, 90_000)

  it('explains above the composer why nothing can be sent once the 24-hour window has closed', async () => {
    // A new token (the last test expired the old one), and a person who last wrote 30 hours ago.
    token = graph.addPage(PAGE_ID, 'Acme Bikes', `EAAGfresh${PAGE_ID}${'w'.repeat(40)}`)
    const owner = new AgentClient(srv.url)
    await owner.login(OWNER.email, OWNER.password)
    expect((await owner.request('PUT', `/api/settings/messenger/pages/${PAGE_ID}`, { accessToken: token })).status).toBe(200)
    const psid = newPsid()
    await postWebhook(srv.url, PAGE_ID, webhookBody(messagingEntry(PAGE_ID, [textEvent(PAGE_ID, psid, 'm_ui_3', 'Are you open on Sunday?')])), APP_SECRET)
    const page = await pages.open(1280, 800)
    await signIn(page, srv.url, OWNER)
    const row = page.locator('parley-conversation-list li.row', { hasText: 'Are you open on Sunday?' })
    await row.waitFor()
    await srv.running.deps.sql`update messenger_contacts set last_inbound_at = now() - interval '30 hours' where psid = ${psid}`
    await row.locator('a').click()
    const line = page.locator('parley-thread parley-messenger-window .line')
    await waitForText(line, '24-hour window has closed, so replies cannot be sent')
    await waitForText(line, /HUMAN_AGENT.*(5 days 1[78] hr|5 days)/)
    await page.screenshot({ path: screenshotPath('messenger-5-window-closed') })
    expect(page.errors).toEqual([])
  }, 90_000)
})
