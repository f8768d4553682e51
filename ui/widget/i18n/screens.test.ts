// The widget in each of its six languages, on a desktop (1280 px) and on a phone (360 px), in a
// real Chromium against a real Parley: the offline form with its validation messages (the longest
// texts) while nobody is online, then a conversation with an agent's reply. The browser's locale
// picks the language, as it does for a visitor; no text may be clipped, cut off or overlapping,
// and every screen is saved for a person to look at.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser } from 'playwright-core'
import { AgentClient, cid, startTestServer, type TestServer, type TestSocket } from '../../../server/testing/harness.ts'
import { launchBrowser, screenshotPath } from '../../testing/browser.ts'
import { clippedText } from '../../testing/clipping.ts'
import { bubbles, openDemo, settled } from '../widget.testing.ts'
import { startSmtpSink, type SmtpSink } from '../../../server/testing/mail.ts'
import { LANGUAGES, STRINGS, type Language } from './index.ts'

const LOCALES: Record<Language, string> = { en: 'en-GB', cs: 'cs-CZ', de: 'de-AT', es: 'es-MX', hu: 'hu-HU', pl: 'pl-PL' }
const SIZES = [
  { name: '1280', width: 1280, height: 800 },
  { name: 'narrow', width: 360, height: 740 },
]
const TEST_MS = 60_000

let srv: TestServer
let owner: AgentClient
let browser: Browser
let sink: SmtpSink

beforeAll(async () => {
  srv = await startTestServer()
  owner = new AgentClient(srv.url)
  expect((await owner.setup()).status).toBe(201)
  // The contact form promises an e-mail reply, so it shows only when Parley can send e-mail.
  sink = await startSmtpSink()
  const smtp = { host: '127.0.0.1', port: sink.port, tls: 'none', fromAddress: 'support@shop.test' }
  expect((await owner.request('PUT', '/api/settings/email', { smtp, imap: null })).status).toBe(200)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await srv?.stop()
  await sink?.stop()
})

async function offlineForm(lang: Language, size: (typeof SIZES)[number]) {
  const s = STRINGS[lang]
  const { page, context, errors } = await openDemo(browser, srv.url, { locale: LOCALES[lang], viewport: size })
  await page.locator('parley-chat .launcher').click()
  const form = page.locator('parley-chat parley-contact-form')
  await form.locator('h3', { hasText: s.offlineTitle }).waitFor({ timeout: 10_000 })
  await form.locator('button[type=submit]').click()
  expect(await form.locator('#email-error').textContent()).toBe(s.emailRequired)
  await settled(page)
  await page.screenshot({ path: screenshotPath(`i18n-widget-${lang}-${size.name}-offline`) })
  expect({ lang, size: size.name, clipped: await clippedText(page, 'parley-chat') }).toEqual({ lang, size: size.name, clipped: [] })
  expect(errors).toEqual([])
  await context.close()
}

async function conversation(agent: TestSocket, lang: Language, size: (typeof SIZES)[number]) {
  const s = STRINGS[lang]
  const { page, context, errors } = await openDemo(browser, srv.url, { locale: LOCALES[lang], viewport: size })
  await page.locator('parley-chat .launcher').click()
  expect(await page.locator('parley-chat h2').textContent()).toBe(s.title)
  const body = `${lang} ${size.name}: ${s.greeting}`
  const from = agent.frames.length
  await page.locator('parley-chat textarea').fill(body)
  await page.keyboard.press('Enter')
  const seen = await agent.waitFor('message', (f) => f.message.body === body, 10_000, from)
  // Long enough to fill the list, so that the file lands at the edge of what shows.
  const reply = `${Array(12).fill(s.replyTime).join(' ')} (${lang})`
  // The reply carries a file: it draws itself (its own element) after the list has scrolled.
  const upload = await fetch(`${srv.url}/api/conversations/${seen.conversation.id}/uploads`, {
    method: 'POST',
    headers: { origin: srv.url, cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': 'application/pdf', 'x-filename': encodeURIComponent('Rücksendeformular_Bestellung_2027-000123456789.pdf') },
    body: new Uint8Array(2048),
  })
  expect(upload.status).toBe(201)
  const file = (await upload.json()) as { id: string }
  agent.send({ type: 'message.send', clientId: cid(), conversationId: seen.conversation.id, body: reply, attachmentIds: [file.id] })
  await bubbles(page, 'agent').filter({ hasText: reply }).waitFor({ timeout: 10_000 })
  await page.locator('parley-chat parley-chat-file').waitFor({ timeout: 10_000 })
  await page.locator('parley-chat .row.visitor .state', { hasText: s.delivered }).waitFor({ timeout: 10_000 })
  await settled(page)
  await page.screenshot({ path: screenshotPath(`i18n-widget-${lang}-${size.name}-chat`) })
  // The visitor was reading at the end: the newest message, its file included, is in view, not
  // half under the composer.
  const hidden = await page.locator('parley-chat').evaluate((host) => {
    const list = host.shadowRoot!.querySelector('.scroll')!.getBoundingClientRect()
    const files = [...host.shadowRoot!.querySelectorAll('parley-chat-file')]
    const last = files.at(-1)!.getBoundingClientRect()
    return Math.max(0, Math.round(last.bottom - list.bottom))
  })
  expect({ lang, size: size.name, fileHiddenPx: hidden }).toEqual({ lang, size: size.name, fileHiddenPx: 0 })
  expect({ lang, size: size.name, clipped: await clippedText(page, 'parley-chat') }).toEqual({ lang, size: size.name, clipped: [] })
  expect(errors).toEqual([])
  await context.close()
}

describe('the widget in six languages, nobody online', () => {
  it('has nobody online (the owner is signed in over HTTP only, with no dashboard socket)', async () => {
    expect((await owner.request('GET', '/api/widget/config')).body.online).toBe(false)
  })
  for (const lang of LANGUAGES) {
    it(`shows the offline form and its messages in ${lang} at 1280 px and on a phone, with nothing cut off`, async () => {
      for (const size of SIZES) await offlineForm(lang, size)
    }, TEST_MS)
  }
})

describe('the widget in six languages, an agent online', () => {
  let agent: TestSocket
  beforeAll(async () => {
    agent = await owner.socket()
    await agent.waitFor('counts')
  })
  afterAll(() => agent?.close())
  for (const lang of LANGUAGES) {
    it(`shows a conversation with an agent in ${lang} at 1280 px and on a phone, with nothing cut off`, async () => {
      for (const size of SIZES) await conversation(agent, lang, size)
    }, TEST_MS)
  }
})
