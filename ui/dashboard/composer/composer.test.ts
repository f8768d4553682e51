// Agents' files in a real Chromium against a real Parley: chosen in the composer (button, paste,
// drag and drop), shown as removable chips while they upload, refused clearly when too large or not
// what they claim; sent with the reply, shown in the thread, and in the visitor's widget as a
// download (and a thumbnail for an image) that gives the visitor the exact bytes.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Pages, launchBrowser, screenshotPath, signIn as signInAs } from '../../testing/browser.ts'
import { waitForCount, waitForText } from '../../testing/wait.ts'
import { axeViolations } from '../../testing/axe.ts'
import { openDemo, settled } from '../../widget/widget.testing.ts'
import { UI_DIR } from '../../../server/http/static.ts'
import { AgentClient, startTestServer, type TestServer, type TestSocket } from '../../../server/testing/harness.ts'

let srv: TestServer
let browser: Browser
let owner: AgentClient
/** The owner's socket keeps an agent online, so the widget offers the chat. */
let ownerWs: TestSocket
const pages = new Pages(() => browser, 10_000)
const TEST_MS = 90_000
const OWNER = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'owner-password' }

beforeAll(async () => {
  if (!existsSync(join(UI_DIR, 'dashboard.js'))) throw new Error('no dashboard bundle: run bun scripts/build-ui.ts first')
  srv = await startTestServer()
  owner = new AgentClient(srv.url)
  expect((await owner.setup(OWNER.email, OWNER.password, OWNER.name)).status).toBe(201)
  ownerWs = await owner.socket()
  await ownerWs.waitFor('counts')
  browser = await launchBrowser()
}, 90_000)

afterAll(async () => {
  await pages.close()
  await browser?.close()
  ownerWs?.close()
  await srv?.stop()
})

const chips = (page: Page) => page.locator('parley-composer li.chip')
const pdfBytes = Buffer.from(Array.from({ length: 180_000 }, (_, i) => (i * 7 + 3) % 256))

/** A real PNG, drawn by the browser: a small picture of stripes. */
async function pngOf(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas')
    c.width = 160
    c.height = 100
    const g = c.getContext('2d')!
    const colours = ['#2563eb', '#f59e0b', '#10b981', '#ef4444']
    colours.forEach((col, i) => {
      g.fillStyle = col
      g.fillRect(i * 40, 0, 40, 100)
    })
    return c.toDataURL('image/png')
  })
  return Buffer.from(dataUrl.split(',')[1]!, 'base64')
}

async function visitorStartsChat(text: string) {
  const widget = await openDemo(browser, srv.url)
  await widget.page.locator('parley-chat .launcher').click()
  const from = ownerWs.frames.length
  await widget.page.locator('parley-chat textarea').fill(text)
  await widget.page.keyboard.press('Enter')
  const seen = await ownerWs.waitFor('message', (f) => f.message.body === text, 10_000, from)
  return { ...widget, conversationId: seen.conversation.id }
}

describe('attaching files to a reply', () => {
  it('uploads chosen files as chips, refuses one too large, sends them with the reply, and the visitor downloads the exact bytes', async () => {
    const widget = await visitorStartsChat('Could you send me the price list?')
    const page = await pages.open()
    await signInAs(page, srv.url, OWNER)
    await page.goto(`${srv.url}/#/c/${widget.conversationId}`)
    await page.locator('parley-composer textarea').waitFor()
    const png = await pngOf(page)

    await page.locator('parley-composer input[type=file]').setInputFiles([
      { name: 'Price list 2027.pdf', mimeType: 'application/pdf', buffer: pdfBytes },
      { name: 'colours.png', mimeType: 'image/png', buffer: png },
    ])
    // a file over 10 MB, made in the page (sending 10 MB through the driver is slow): refused before any upload
    await page.locator('parley-composer input[type=file]').evaluate((input: HTMLInputElement) => {
      const dt = new DataTransfer()
      dt.items.add(new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'holiday-video.mov', { type: 'video/quicktime' }))
      input.files = dt.files
      input.dispatchEvent(new Event('change', { bubbles: true }))
    })
    await waitForCount(chips(page).and(page.locator('[data-state=done]')), 2, 15_000)
    const refused = chips(page).and(page.locator('[data-state=failed]'))
    await waitForText(refused.locator('.error'), 'Too large: files may be up to 10 MB.')
    await page.locator('parley-composer textarea').fill('Here is the price list, and the colours we have.')
    await page.screenshot({ path: screenshotPath('attachments-composer-chips') })
    expect(await axeViolations(page)).toEqual([])

    // the refused file is removed; the others go with the reply
    await refused.locator('button.remove').click()
    await waitForCount(chips(page), 2)
    await page.locator('parley-composer textarea').press('Enter')
    await waitForCount(chips(page), 0)
    const sent = page.locator('parley-thread .msg.agent').filter({ hasText: 'Here is the price list' })
    await waitForCount(sent.locator('parley-attachment-list a'), 2, 10_000)
    await waitForText(sent.locator('parley-attachment-list a.file'), 'Price list 2027.pdf')
    await sent.locator('parley-attachment-list img[alt="colours.png"]').waitFor()
    // the picture is in the DOM before its bytes have arrived: wait until it has decoded, then check its size
    const picture = await sent.locator('parley-attachment-list img').elementHandle()
    await page.waitForFunction((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0, picture, { timeout: 10_000 })
    expect(await picture!.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(160)
    await page.screenshot({ path: screenshotPath('attachments-thread') })
    expect(await axeViolations(page)).toEqual([])

    // the widget: a download button for the PDF, a thumbnail for the picture
    const files = widget.page.locator('parley-chat parley-chat-file')
    await waitForCount(files, 2, 10_000)
    const thumb = files.nth(1).locator('img')
    await thumb.waitFor()
    await widget.page.waitForFunction(
      () => {
        const f = document.querySelector('parley-chat')!.shadowRoot!.querySelectorAll('parley-chat-file')[1]!
        const img = f.shadowRoot!.querySelector('img')
        return !!img && img.complete && img.naturalWidth > 0
      },
      undefined,
      { timeout: 10_000 },
    )
    expect(await thumb.getAttribute('src')).toStartWith('blob:')
    await settled(widget.page)
    await widget.page.screenshot({ path: screenshotPath('attachments-widget') })
    expect(await axeViolations(widget.page)).toEqual([])

    const pdfButton = files.first().locator('button')
    expect(await pdfButton.getAttribute('title')).toBe('Download Price list 2027.pdf')
    expect(await pdfButton.textContent()).toMatch(/Price list 2027\.pdf\s*175\.8 kB/)
    expect(await files.nth(1).locator('button').getAttribute('aria-label')).toBe('Download colours.png (0.8 kB)')
    const [download] = await Promise.all([widget.page.waitForEvent('download'), pdfButton.click()])
    expect(download.suggestedFilename()).toBe('Price list 2027.pdf')
    expect(readFileSync((await download.path())!)).toEqual(pdfBytes)
    const [image] = await Promise.all([widget.page.waitForEvent('download'), files.nth(1).locator('button').click()])
    expect(new Uint8Array(readFileSync((await image.path())!))).toEqual(new Uint8Array(png))

    expect(page.errors).toEqual([])
    expect(widget.errors).toEqual([])
    await widget.context.close()
  }, TEST_MS)

  it('takes pasted and dropped files, refuses a file that is not what it claims, and removes a chip on the server too', async () => {
    const widget = await visitorStartsChat('Another question')
    const page = await pages.open()
    await signInAs(page, srv.url, OWNER)
    await page.goto(`${srv.url}/#/c/${widget.conversationId}`)
    const textarea = page.locator('parley-composer textarea')
    await textarea.waitFor()

    await textarea.evaluate((ta) => {
      const dt = new DataTransfer()
      dt.items.add(new File(['order 1234'], 'pasted notes.txt', { type: 'text/plain' }))
      ta.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true, composed: true }))
    })
    await page.locator('parley-composer .box').evaluate((box) => {
      const dt = new DataTransfer()
      dt.items.add(new File(['<svg onload="alert(1)"/>'], 'not-really.png', { type: 'image/png' }))
      box.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true, composed: true }))
      box.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true, composed: true }))
    })
    await waitForCount(chips(page), 2)
    await waitForCount(chips(page).and(page.locator('[data-state=done]')), 1, 10_000)
    await waitForText(chips(page).and(page.locator('[data-state=failed]')).locator('.error'), 'Refused: the file’s content does not match its type.')
    await page.screenshot({ path: screenshotPath('attachments-composer-refused') })
    expect(await axeViolations(page)).toEqual([])
    // nothing is waiting on the server but the pasted file
    const waiting = () => srv.db.sql<{ filename: string }[]>`select filename from attachment_uploads where conversation_id = ${widget.conversationId}`
    expect((await waiting()).map((r) => r.filename)).toEqual(['pasted notes.txt'])
    // removing the uploaded chip deletes the upload
    await chips(page).filter({ hasText: 'pasted notes.txt' }).locator('button.remove').click()
    const deadline = Date.now() + 5000
    while ((await waiting()).length > 0 && Date.now() < deadline) await Bun.sleep(50)
    expect((await waiting()).length).toBe(0)
    expect(page.errors).toEqual([])
    expect(widget.errors).toEqual([])
    await widget.context.close()
  }, TEST_MS)
})
