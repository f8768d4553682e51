// <parley-chat> on the demo page, in Debian's Chromium, against a real Parley with a real
// database. The agent side is a real agent socket and the agent HTTP API.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser } from 'playwright-core'
import { AgentClient, cid, startTestServer, type TestServer, type TestSocket } from '../../server/testing/harness.ts'
import { createTestDb, type TestDb } from '../../server/db/testing.ts'
import { launchBrowser, screenshotPath } from '../testing/browser.ts'
import { axeViolations } from '../testing/axe.ts'
import { bubbles, focused, openDemo, settled, until, watch } from './widget.testing.ts'

let db: TestDb
let srv: TestServer
let owner: AgentClient
let agent: TestSocket
let browser: Browser
/** A bound for each browser test (Bun's default is 5 s). */
const TEST_MS = 60_000

/** An agent socket that counts as online (the server records the connection after `hello`). */
async function agentOnline(): Promise<TestSocket> {
  const ws = await owner.socket()
  await ws.waitFor('counts')
  return ws
}

async function visitorMessages(conversationId: string): Promise<{ authorType: string; body: string; clientId: string | null }[]> {
  const r = await owner.request('GET', `/api/conversations/${conversationId}/messages?limit=500`)
  expect(r.status).toBe(200)
  return r.body
}

beforeAll(async () => {
  db = await createTestDb()
  srv = await startTestServer({}, db)
  owner = new AgentClient(srv.url)
  expect((await owner.setup()).status).toBe(201)
  agent = await agentOnline()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  agent?.close()
  await srv?.stop()
  await db?.drop()
})

/** The visitor writes `text` in the open chat; resolves with the dashboard's copy of it. */
async function write(page: import('playwright-core').Page, text: string) {
  const from = agent.frames.length
  await page.locator('parley-chat textarea').fill(text)
  await page.keyboard.press('Enter')
  return agent.waitFor('message', (f) => f.message.body === text, 10_000, from)
}

describe('<parley-chat> on the demo page', () => {
  it('lets a visitor write, shows the agent typing, and shows the reply with the agent name', async () => {
    const { page, context, errors } = await openDemo(browser, srv.url)
    await settled(page)
    await page.screenshot({ path: screenshotPath('widget-1-closed') })

    await page.locator('parley-chat .launcher').click()
    await expect(page.locator('parley-chat .row.greeting').textContent()).resolves.toContain('Hi! How can we help you today?')
    expect(await page.locator('parley-chat h2').textContent()).toBe('Chat with us')
    expect(await focused(page)).toBe('textarea')
    await settled(page)
    await page.screenshot({ path: screenshotPath('widget-2-open-empty') })

    const from = agent.frames.length
    await page.locator('parley-chat textarea').fill('Hello, do you ship to Norway?')
    await page.keyboard.press('Enter')
    const seen = await agent.waitFor('message', (f) => f.message.body === 'Hello, do you ship to Norway?', 10_000, from)
    expect(seen.message.authorType).toBe('visitor')
    await page.locator('parley-chat .row.visitor[data-state="sent"]').waitFor({ timeout: 10_000 })
    expect(await page.locator('parley-chat textarea').inputValue()).toBe('')

    // The visitor typing reaches the agent.
    await page.locator('parley-chat textarea').pressSequentially('One more')
    await agent.waitFor('typing', (f) => f.from === 'visitor' && f.typing && f.conversationId === seen.conversation.id, 10_000, from)

    // The agent typing reaches the visitor.
    const conversationId = seen.conversation.id
    agent.send({ type: 'typing', conversationId, typing: true })
    await page.locator('parley-chat .typing', { hasText: 'Olivia Owner is typing…' }).waitFor({ timeout: 10_000 })

    const replyId = cid()
    agent.send({ type: 'message.send', clientId: replyId, conversationId, body: 'Yes! Norway takes about three days.' })
    const ack = await agent.waitFor('ack', (f) => f.clientId === replyId, 10_000, from)
    await bubbles(page, 'agent').filter({ hasText: 'Yes! Norway takes about three days.' }).waitFor({ timeout: 10_000 })
    expect(await page.locator('parley-chat h2').textContent()).toBe('Olivia Owner')
    expect(await page.locator('parley-chat header .avatar').textContent()).toBe('OO')
    expect(await page.locator('parley-chat .row.agent .author').first().textContent()).toBe('Olivia Owner')
    expect(await page.locator('parley-chat .typing').count()).toBe(0)
    // The agent answered after it, so the visitor's message shows as delivered.
    await page.locator('parley-chat .row.visitor[data-state="delivered"]').waitFor({ timeout: 10_000 })
    // The widget confirms delivery of the reply; the dashboard hears about it.
    const updated = await agent.waitFor(
      'message.updated',
      (f) => f.message.id === ack.messageId && f.message.deliveryStatus === 'delivered',
      10_000,
      from,
    )
    expect(updated.message.body).toBe('Yes! Norway takes about three days.')
    // Screen readers hear the new message.
    await until(
      async () => (await page.locator('parley-chat [aria-live="polite"]').textContent())?.includes('New message from Olivia Owner: Yes! Norway'),
      'the live region to announce the reply',
    )

    // Shift+Enter is a new line, Enter sends both lines as one message.
    await page.locator('parley-chat textarea').fill('')
    await page.locator('parley-chat textarea').pressSequentially('Great.')
    await page.keyboard.press('Shift+Enter')
    await page.locator('parley-chat textarea').pressSequentially('And returns?')
    expect(await page.locator('parley-chat textarea').inputValue()).toBe('Great.\nAnd returns?')
    await page.keyboard.press('Enter')
    await agent.waitFor('message', (f) => f.message.body === 'Great.\nAnd returns?', 10_000, from)
    await page.locator('parley-chat .row.visitor[data-state="sent"]').waitFor({ timeout: 10_000 })
    await settled(page)
    await page.screenshot({ path: screenshotPath('widget-3-conversation') })

    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it('keeps the conversation across reloads and page navigation', async () => {
    const { page, context, errors } = await openDemo(browser, srv.url)
    await page.locator('parley-chat .launcher').click()
    const from = agent.frames.length
    await page.locator('parley-chat textarea').fill('I will reload this page now')
    await page.keyboard.press('Enter')
    const seen = await agent.waitFor('message', (f) => f.message.body === 'I will reload this page now', 10_000, from)
    agent.send({ type: 'message.send', clientId: cid(), conversationId: seen.conversation.id, body: 'Sure, I am here.' })
    await bubbles(page, 'agent').filter({ hasText: 'Sure, I am here.' }).waitFor({ timeout: 10_000 })

    await page.reload()
    // Still open (per tab), with the whole thread.
    await bubbles(page, 'agent').filter({ hasText: 'Sure, I am here.' }).waitFor({ timeout: 10_000 })
    expect(await bubbles(page, 'visitor').allTextContents()).toEqual(['I will reload this page now'])

    await page.goto(`${srv.url}/demo?page=about`)
    await bubbles(page, 'agent').filter({ hasText: 'Sure, I am here.' }).waitFor({ timeout: 10_000 })
    // Writing again continues the same conversation.
    await page.locator('parley-chat textarea').fill('Back again, same chat?')
    await page.keyboard.press('Enter')
    const again = await agent.waitFor('message', (f) => f.message.body === 'Back again, same chat?', 10_000, from)
    expect(again.conversation.id).toBe(seen.conversation.id)
    expect(again.message.seq).toBe(3)
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it('shows an unread badge, plays a sound and fires the JS API events', async () => {
    // Count the chime's oscillators (the sound is made by WebAudio, not by a file), and keep the
    // audio contexts the page makes, to see them rest between chimes.
    const init = `(() => {
      window.__oscillators = 0
      window.__audio = []
      const create = AudioContext.prototype.createOscillator
      AudioContext.prototype.createOscillator = function () { window.__oscillators++; return create.call(this) }
      const Real = AudioContext
      window.AudioContext = class extends Real { constructor(...a) { super(...a); window.__audio.push(this) } }
    })()`
    const { page, context, errors } = await openDemo(browser, srv.url, { init })
    await page.evaluate(() => {
      const w = window as unknown as { __events: [string, unknown][]; parley: (...a: unknown[]) => void }
      w.__events = []
      for (const name of ['message_received', 'message_sent', 'chat_opened', 'chat_closed']) {
        w.parley('on', name, (data: unknown) => w.__events.push([name, data ?? null]))
      }
    })
    const events = () => page.evaluate(() => (window as unknown as { __events: [string, any][] }).__events)

    await page.evaluate(() => (window as unknown as { parley: (...a: unknown[]) => void }).parley('chat:open'))
    await page.locator('parley-chat .panel').waitFor({ timeout: 10_000 })
    const seen = await write(page, 'Events, please')
    await until(async () => (await events()).some(([n]) => n === 'message_sent'), 'message_sent')

    await page.evaluate(() => (window as unknown as { parley: (...a: unknown[]) => void }).parley('chat:close'))
    await page.locator('parley-chat .panel').waitFor({ state: 'detached', timeout: 10_000 })

    agent.send({ type: 'message.send', clientId: cid(), conversationId: seen.conversation.id, body: 'Here is your answer.' })
    await page.locator('parley-chat .badge', { hasText: '1' }).waitFor({ timeout: 10_000 })
    expect(await page.locator('parley-chat .launcher').getAttribute('aria-label')).toBe('Open chat, 1 unread message')
    await until(async () => (await events()).some(([n]) => n === 'message_received'), 'message_received')
    expect(await page.evaluate(() => (window as unknown as { __oscillators: number }).__oscillators)).toBe(2)
    // One context, suspended once the notes are over: a running one keeps the browser's audio
    // thread rendering silence for as long as the page stays open.
    const audio = () => page.evaluate(() => (window as unknown as { __audio: AudioContext[] }).__audio.map((c) => c.state))
    expect(await audio()).toHaveLength(1)
    await until(async () => (await audio())[0] === 'suspended', 'the audio context suspended after the chime', 5_000)

    const log = await events()
    expect(log.map(([n]) => n)).toEqual(['chat_opened', 'message_sent', 'chat_closed', 'message_received'])
    expect(log[1]![1]).toMatchObject({ body: 'Events, please', conversationId: seen.conversation.id, id: seen.message.id })
    expect(log[3]![1]).toMatchObject({ body: 'Here is your answer.', authorName: 'Olivia Owner', conversationId: seen.conversation.id })
    // The demo page registered its handlers before the widget loaded: the queued calls were replayed.
    expect(await page.locator('#log li').allTextContents()).toEqual([
      expect.stringContaining('message_received: Here is your answer.'),
      expect.stringContaining('chat_closed'),
      expect.stringContaining('message_sent: Events, please'),
      expect.stringContaining('chat_opened'),
    ])

    // Opening reads the message: the badge goes, and stays gone after a reload.
    await page.locator('parley-chat .launcher').click()
    expect(await page.locator('parley-chat .badge').count()).toBe(0)
    await page.reload()
    await page.locator('parley-chat .panel').waitFor({ timeout: 10_000 })
    await page.locator('parley-chat .launcher').click()
    await page.locator('parley-chat .panel').waitFor({ state: 'detached', timeout: 10_000 })
    expect(await page.locator('parley-chat .badge').count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it('replays parley() calls made before the widget loaded', async () => {
    // As a site would: the stub queues calls before the loader has even been fetched.
    const init = `window.parley = function () { (window.parley.q = window.parley.q || []).push(arguments) };
      parley('language', 'de'); parley('chat:open');`
    const { page, context, errors } = await openDemo(browser, srv.url, { init })
    await page.locator('parley-chat .panel').waitFor({ timeout: 10_000 })
    expect(await page.locator('parley-chat h2').textContent()).toBe('Schreiben Sie uns')
    expect(await page.locator('parley-chat textarea').getAttribute('placeholder')).toBe('Nachricht schreiben…')
    // The message goes with the widget's language, so search stems it as German ("Schuh" finds it).
    const body = 'Haben Sie die Schuhe auch in Größe 47?'
    await page.locator('parley-chat textarea').fill(body)
    await page.keyboard.press('Enter')
    let lang: string | undefined
    for (let i = 0; i < 200 && !lang; i++) {
      lang = (await srv.db.sql<{ lang: string }[]>`select lang::text from messages where body = ${body}`)[0]?.lang
      if (!lang) await Bun.sleep(50)
    }
    expect(lang).toBe('german')
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it('speaks Czech when asked with parley("language", "cs"), and when the browser prefers it', async () => {
    const { page, context, errors } = await openDemo(browser, srv.url)
    await page.evaluate(() => (window as unknown as { parley: (...a: unknown[]) => void }).parley('language', 'cs'))
    expect(await page.locator('parley-chat .launcher').getAttribute('aria-label')).toBe('Otevřít chat')
    await page.locator('parley-chat .launcher').click()
    expect(await page.locator('parley-chat h2').textContent()).toBe('Napište nám')
    expect(await page.locator('parley-chat .status').textContent()).toBe('Odpovídáme během pár minut')
    expect(await page.locator('parley-chat .row.greeting').textContent()).toContain('Dobrý den! Jak vám můžeme pomoci?')
    expect(await page.locator('parley-chat textarea').getAttribute('placeholder')).toBe('Napište zprávu…')
    expect(await page.locator('parley-chat .send').getAttribute('aria-label')).toBe('Odeslat')
    const seen = await write(page, 'Dobrý den, máte boty velikosti 47?')
    await page.locator('parley-chat .row.visitor .state', { hasText: 'Odesláno' }).waitFor({ timeout: 10_000 })
    agent.send({ type: 'typing', conversationId: seen.conversation.id, typing: true })
    await page.locator('parley-chat .typing', { hasText: 'Olivia Owner píše…' }).waitFor({ timeout: 10_000 })
    await settled(page)
    await page.screenshot({ path: screenshotPath('widget-5-czech') })
    expect(await axeViolations(page)).toEqual([])
    agent.send({ type: 'typing', conversationId: seen.conversation.id, typing: false })
    expect(errors).toEqual([])
    await context.close()

    const cz = await openDemo(browser, srv.url, { locale: 'cs-CZ' })
    expect(await cz.page.locator('parley-chat .launcher').getAttribute('aria-label')).toBe('Otevřít chat')
    await cz.context.close()
  }, TEST_MS)

  it('is a full-screen panel on a 375 px phone, and Escape gives focus back to the launcher', async () => {
    const { page, context, errors } = await openDemo(browser, srv.url, { viewport: { width: 375, height: 667 } })
    await page.locator('parley-chat .launcher').focus()
    await page.keyboard.press('Enter')
    await page.locator('parley-chat .panel').waitFor({ timeout: 10_000 })
    await settled(page)
    expect(await page.locator('parley-chat .panel').boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 667 })
    expect(await focused(page)).toBe('textarea')
    await page.locator('parley-chat textarea').fill('Writing from my phone')
    await page.keyboard.press('Enter')
    await page.locator('parley-chat .row.visitor[data-state="sent"]').waitFor({ timeout: 10_000 })
    await settled(page)
    await page.screenshot({ path: screenshotPath('widget-6-phone') })
    expect(await axeViolations(page)).toEqual([])
    // Keyboard order in the panel: minimise button, the message list, the composer, send.
    await page.locator('parley-chat header .icon-button').focus()
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('div.scroll')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('textarea')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('button.send')
    await page.keyboard.press('Escape')
    await page.locator('parley-chat .panel').waitFor({ state: 'detached', timeout: 10_000 })
    expect(await focused(page)).toBe('button.launcher')
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it('cannot be restyled by the host page, and does not restyle it', async () => {
    const { page, context, errors } = await openDemo(browser, srv.url)
    const h1Before = await page.locator('h1').evaluate((e) => getComputedStyle(e).fontFamily)
    await page.addStyleTag({
      content: `* { font-family: "Comic Sans MS", cursive !important; color: red !important; line-height: 3 !important }
        button { background: lime !important; border-radius: 0 !important }
        div, section { display: none !important }
        parley-chat { display: none !important; transform: translateX(-5000px) !important; }`,
    })
    const launcher = page.locator('parley-chat .launcher')
    await launcher.click()
    await page.locator('parley-chat .panel').waitFor({ state: 'visible', timeout: 10_000 })
    const style = await launcher.evaluate((e) => {
      const s = getComputedStyle(e)
      return { bg: s.backgroundColor, radius: s.borderRadius }
    })
    expect(style).toEqual({ bg: 'rgb(79, 70, 229)', radius: '50%' })
    const box = await launcher.boundingBox()
    expect(box!.x).toBeGreaterThan(1100)
    const textarea = await page.locator('parley-chat textarea').evaluate((e) => getComputedStyle(e).fontFamily)
    expect(textarea).not.toContain('Comic Sans')
    expect(await page.locator('h1').evaluate((e) => getComputedStyle(e).fontFamily)).not.toBe(h1Before)
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it("passes what the site knows and the pages visited to the visitor card", async () => {
    // Queued before the widget loads, as a site's own script would.
    const init = `window.parley = function () { (window.parley.q = window.parley.q || []).push(arguments) };
      parley('name', 'Karel Novák'); parley('email', 'karel@example.com'); parley('phone', '+420 777 123 456');
      parley('variables', { plan: { label: 'Plan', value: 'Pro' } });`
    const { page, context, errors } = await openDemo(browser, srv.url, { init })
    // The first page counts once the widget has reported it; only then move on to the next page.
    const token = await until(() => page.evaluate(() => Object.entries(localStorage).find(([k]) => k.endsWith(':token'))?.[1] ?? null), 'the visitor token')
    const me = await (await fetch(`${srv.url}/api/widget/me`, { headers: { authorization: `Bearer ${JSON.parse(token)}` } })).json()
    await until(async () => {
      const r = await owner.request('GET', `/api/visitors/${me.visitor.id}/pages`)
      return r.body.some((p: { url: string }) => p.url === `${srv.url}/demo`)
    }, 'the first page view')
    await page.goto(`${srv.url}/demo?page=about`)
    await page.locator('parley-chat .launcher').click()
    const seen = await write(page, 'Who am I?')
    const card = await owner.request('GET', `/api/visitors/${seen.conversation.visitor.id}`)
    expect(card.body).toMatchObject({
      name: 'Karel Novák',
      email: 'karel@example.com',
      phone: '+420777123456',
      variables: { plan: { label: 'Plan', value: 'Pro' } },
      currentPage: { url: `${srv.url}/demo?page=about` },
    })
    const pages = await owner.request('GET', `/api/visitors/${seen.conversation.visitor.id}/pages`)
    const urls = (Array.isArray(pages.body) ? pages.body : pages.body.items).map((p: { url: string }) => p.url)
    expect(urls).toContain(`${srv.url}/demo`)
    expect(urls).toContain(`${srv.url}/demo?page=about`)
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it('follows a signed-in user to another device with parley("identify")', async () => {
    const secret = (await owner.request('GET', '/api/settings/identity')).body.secret as string
    const { createHmac } = await import('node:crypto')
    const hash = createHmac('sha256', secret).update('user-42').digest('hex')
    const init = `window.parley = function () { (window.parley.q = window.parley.q || []).push(arguments) };
      parley('identify', { id: 'user-42', hash: '${hash}', name: 'Eva Svobodová' });`

    const laptop = await openDemo(browser, srv.url, { init })
    await laptop.page.locator('parley-chat .launcher').click()
    const from = agent.frames.length
    await laptop.page.locator('parley-chat textarea').fill('Written on my laptop')
    await laptop.page.keyboard.press('Enter')
    const first = await agent.waitFor('message', (f) => f.message.body === 'Written on my laptop', 10_000, from)
    await until(async () => (await owner.request('GET', `/api/visitors/${first.conversation.visitor.id}`)).body.name === 'Eva Svobodová', 'the name')
    await laptop.context.close()

    // Another browser: a new anonymous visitor until identify moves it onto Eva.
    const phone = await openDemo(browser, srv.url, { init, viewport: { width: 375, height: 667 } })
    await phone.page.locator('parley-chat .launcher').click()
    await bubbles(phone.page, 'visitor').filter({ hasText: 'Written on my laptop' }).waitFor({ timeout: 10_000 })
    await phone.page.locator('parley-chat textarea').fill('And now on my phone')
    await phone.page.keyboard.press('Enter')
    const second = await agent.waitFor('message', (f) => f.message.body === 'And now on my phone', 10_000, from)
    expect(second.conversation.id).toBe(first.conversation.id)

    // A wrong hash changes nothing (and says why in the console, not as an error).
    const warnings: string[] = []
    phone.page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()))
    await phone.page.evaluate(() =>
      (window as unknown as { parley: (...a: unknown[]) => void }).parley('identify', { id: 'user-43', hash: 'deadbeef' }),
    )
    await until(async () => warnings.some((w) => w.includes('identity hash does not match')), 'the warning')
    expect(await bubbles(phone.page, 'visitor').allTextContents()).toEqual(['Written on my laptop', 'And now on my phone'])
    expect([...laptop.errors, ...phone.errors]).toEqual([])
    await phone.context.close()
  }, TEST_MS)

  it("clears a second tab's chat when another user signs in on the browser in the first", async () => {
    const secret = (await owner.request('GET', '/api/settings/identity')).body.secret as string
    const { createHmac } = await import('node:crypto')
    const sign = (id: string) => createHmac('sha256', secret).update(id).digest('hex')
    const init = `window.parley = function () { (window.parley.q = window.parley.q || []).push(arguments) };
      parley('identify', { id: 'tab-user-50', hash: '${sign('tab-user-50')}' });`
    const first = await openDemo(browser, srv.url, { init })
    await first.page.locator('parley-chat .launcher').click()
    await first.page.locator('parley-chat textarea').fill('Mine, from the first tab')
    await first.page.keyboard.press('Enter')
    await first.page.locator('parley-chat .row.visitor[data-state="sent"]').waitFor({ timeout: 10_000 })
    // the same browser's second tab (one token, in localStorage) shows that user's chat
    const second = await first.context.newPage()
    const errors: string[] = []
    watch(second, errors)
    await second.goto(srv.url + '/demo')
    await second.locator('parley-chat .launcher').click()
    await bubbles(second, 'visitor').filter({ hasText: 'Mine, from the first tab' }).waitFor({ timeout: 10_000 })
    // someone else signs in on the site, in the first tab
    await first.page.evaluate((hash) => (window as unknown as { parley: (...a: unknown[]) => void }).parley('identify', { id: 'tab-user-51', hash }), sign('tab-user-51'))
    await until(async () => (await bubbles(second, 'visitor').count()) === 0, "the second tab to drop the first user's chat")
    await settled(second)
    await second.screenshot({ path: screenshotPath('widget-12-other-user-signed-in') })
    expect([...first.errors, ...errors]).toEqual([])
    await first.context.close()
  }, TEST_MS)

  it('takes its colour, side and greeting from the widget settings', async () => {
    const put = (body: object) => owner.request('PUT', '/api/settings/widget', body)
    expect((await put({ color: '#0f766e', position: 'left', greeting: 'Ahoy! Ask us anything about boots.' })).status).toBe(200)
    try {
      const { page, context, errors } = await openDemo(browser, srv.url)
      const launcher = page.locator('parley-chat .launcher')
      expect(await launcher.evaluate((e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color])).toEqual([
        'rgb(15, 118, 110)',
        'rgb(255, 255, 255)',
      ])
      expect((await launcher.boundingBox())!.x).toBeLessThan(40)
      await launcher.click()
      // The site's own greeting is shown as written, in every language.
      await page.evaluate(() => (window as unknown as { parley: (...a: unknown[]) => void }).parley('language', 'hu'))
      expect(await page.locator('parley-chat .row.greeting').textContent()).toContain('Ahoy! Ask us anything about boots.')
      expect(await page.locator('parley-chat h2').textContent()).toBe('Írjon nekünk')
      expect((await page.locator('parley-chat .panel').boundingBox())!.x).toBeLessThan(40)
      await settled(page)
      expect(await axeViolations(page)).toEqual([])
      await context.close()

      // A light colour gets dark text.
      expect((await put({ color: '#fde047' })).status).toBe(200)
      const light = await openDemo(browser, srv.url)
      expect(await light.page.locator('parley-chat .launcher').evaluate((e) => getComputedStyle(e).color)).toBe('rgb(17, 24, 39)')
      // Open, in the site's light colour: the header, the agent avatar and the send button keep 4.5:1.
      await light.page.locator('parley-chat .launcher').click()
      await light.page.locator('parley-chat .panel').waitFor({ timeout: 10_000 })
      await settled(light.page)
      await light.page.screenshot({ path: screenshotPath('widget-7b-light-colour') })
      expect(await axeViolations(light.page)).toEqual([])
      await light.context.close()
      expect([...errors, ...light.errors]).toEqual([])
    } finally {
      await put({ color: '#4f46e5', position: 'right', greeting: '' })
    }
  }, TEST_MS)

  it('queues messages while the server is down and sends them once, in order, after it is back', async () => {
    const { page, context, errors } = await openDemo(browser, srv.url)
    await page.locator('parley-chat .launcher').click()
    const first = await write(page, 'Before the outage')
    await page.locator('parley-chat .row.visitor[data-state="sent"]').waitFor({ timeout: 10_000 })
    const port = srv.running.port
    const thread = async () => (await visitorMessages(first.conversation.id)).filter((m) => m.authorType === 'visitor').map((m) => m.body)

    // 1. The server goes away mid-chat; the open page queues and resends when it is back.
    agent.close()
    await srv.stop()
    await page.locator('parley-chat .banner').waitFor({ timeout: 10_000 })
    for (const body of ['Offline one', 'Offline two', 'Offline three']) {
      await page.locator('parley-chat textarea').fill(body)
      await page.keyboard.press('Enter')
    }
    expect(await page.locator('parley-chat .row.visitor[data-state="sending"]').count()).toBe(3)
    await settled(page)
    await page.screenshot({ path: screenshotPath('widget-7-reconnecting') })
    srv = await startTestServer({ port }, db)
    owner = new AgentClient(srv.url)
    expect((await owner.login('owner@example.com', 'owner-password')).status).toBe(200)
    agent = await agentOnline()
    await until(async () => (await page.locator('parley-chat .row.visitor[data-state="sending"]').count()) === 0, 'the queue to drain', 30_000)
    await page.locator('parley-chat .banner').waitFor({ state: 'detached', timeout: 10_000 })
    expect(await thread()).toEqual(['Before the outage', 'Offline one', 'Offline two', 'Offline three'])

    // 2. Down again, and the visitor closes the tab with a message still queued: it waits in
    // localStorage and goes out, once, when they come back.
    agent.close()
    await srv.stop()
    await page.locator('parley-chat .banner').waitFor({ timeout: 10_000 })
    await page.locator('parley-chat textarea').fill('Written offline, tab closed')
    await page.keyboard.press('Enter')
    const stored = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.endsWith(':outbox'))?.[1] ?? '[]')
    expect(JSON.parse(stored).map((p: { body: string }) => p.body)).toEqual(['Written offline, tab closed'])
    await page.close()
    srv = await startTestServer({ port }, db)
    owner = new AgentClient(srv.url)
    expect((await owner.login('owner@example.com', 'owner-password')).status).toBe(200)
    agent = await agentOnline()
    const back = await context.newPage()
    watch(back, errors)
    await back.goto(`${srv.url}/demo`)
    // A new tab starts with the chat closed (open/closed is per tab).
    await back.locator('parley-chat .launcher').click()
    await bubbles(back, 'visitor').filter({ hasText: 'Written offline, tab closed' }).waitFor({ timeout: 10_000 })
    await until(async () => (await back.locator('parley-chat .row.visitor[data-state="sending"]').count()) === 0, 'the queue to drain', 30_000)
    const expected = ['Before the outage', 'Offline one', 'Offline two', 'Offline three', 'Written offline, tab closed']
    expect(await thread()).toEqual(expected)
    expect(await bubbles(back, 'visitor').allTextContents()).toEqual(expected)

    // A reload sends nothing again.
    await back.reload()
    await bubbles(back, 'visitor').nth(4).waitFor({ timeout: 10_000 })
    expect(await thread()).toEqual(expected)

    // 3. Two tabs, both offline, each with a message queued; one is closed. The other sends both, once.
    const other = await context.newPage()
    watch(other, errors)
    await other.goto(`${srv.url}/demo`)
    await other.locator('parley-chat .launcher').click()
    await bubbles(other, 'visitor').nth(4).waitFor({ timeout: 10_000 })
    agent.close()
    await srv.stop()
    await back.locator('parley-chat .banner').waitFor({ timeout: 10_000 })
    await other.locator('parley-chat .banner').waitFor({ timeout: 10_000 })
    await back.locator('parley-chat textarea').fill('From the tab that stays')
    await back.keyboard.press('Enter')
    await other.locator('parley-chat textarea').fill('From the tab that is closed')
    await other.keyboard.press('Enter')
    await other.close()
    srv = await startTestServer({ port }, db)
    owner = new AgentClient(srv.url)
    expect((await owner.login('owner@example.com', 'owner-password')).status).toBe(200)
    agent = await agentOnline()
    const both = [...expected, 'From the tab that stays', 'From the tab that is closed']
    await until(async () => (await thread()).length === both.length, 'both tabs\' messages', 30_000)
    expect(await thread()).toEqual(both)
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it('asks for no conversation list when the hello says its visitor has none, after a restart too, and finds the one written in another tab', async () => {
    const listed: string[] = []
    const { page, context, errors } = await openDemo(browser, srv.url, {
      beforeLoad: (p) => p.on('request', (r) => void (r.url().includes('/api/widget/conversations') && listed.push(r.url()))),
    })
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find((k) => k.endsWith(':token'))!)!) as string)
    const me = await (await fetch(`${srv.url}/api/widget/me`, { headers: { authorization: `Bearer ${token}` } })).json()
    const connected = async () =>
      (await db.sql<{ n: number }[]>`select coalesce(sum(connections), 0)::int as n from visitor_connections where visitor_id = ${me.visitor.id}`)[0]!.n > 0
    await until(connected, 'the widget connected')
    // Every widget on every open page says hello again after a restart; most visitors never wrote.
    const port = srv.running.port
    agent.close()
    await srv.stop()
    srv = await startTestServer({ port }, db)
    owner = new AgentClient(srv.url)
    expect((await owner.login('owner@example.com', 'owner-password')).status).toBe(200)
    agent = await agentOnline()
    await until(connected, 'the widget connected again', 30_000)
    expect(listed).toEqual([])

    // The visitor writes in another tab: this one hears it live, and a tab opened later learns of
    // the conversation from its hello and shows it.
    const other = await context.newPage()
    watch(other, errors)
    await other.goto(`${srv.url}/demo`)
    await other.locator('parley-chat .launcher').click()
    await other.locator('parley-chat textarea').fill('Written in the other tab')
    await other.keyboard.press('Enter')
    await other.locator('parley-chat .row.visitor[data-state="sent"]').waitFor({ timeout: 10_000 })
    const later = await context.newPage()
    watch(later, errors)
    await later.goto(`${srv.url}/demo`)
    await later.locator('parley-chat .launcher').click()
    await bubbles(later, 'visitor').filter({ hasText: 'Written in the other tab' }).waitFor({ timeout: 10_000 })
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it('says calmly that it sends more slowly when the server limits the visitor, and sends the message later, once', async () => {
    // Two messages at once, then one every three seconds: the third waits about three seconds.
    const slow = await startTestServer({ limits: { ...srv.running.deps.config.limits, messagesPerVisitor: { burst: 2, seconds: 6 } } })
    const slowOwner = new AgentClient(slow.url)
    expect((await slowOwner.setup()).status).toBe(201)
    const slowAgent = await slowOwner.socket()
    await slowAgent.waitFor('counts')
    try {
      const { page, context, errors } = await openDemo(browser, slow.url)
      await page.locator('parley-chat .launcher').click()
      for (const body of ['First question', 'Second question']) {
        await page.locator('parley-chat textarea').fill(body)
        await page.keyboard.press('Enter')
      }
      const first = await slowAgent.waitFor('message', (f) => f.message.body === 'Second question', 10_000)
      await page.locator('parley-chat textarea').fill('Third, a bit too fast')
      await page.keyboard.press('Enter')
      const notice = page.locator('parley-chat .banner', { hasText: "You're sending messages quickly — we'll send this in a moment." })
      await notice.waitFor({ timeout: 10_000 })
      expect(await page.locator('parley-chat .row.visitor[data-state="sending"]').count()).toBe(1)
      expect(await page.locator('parley-chat .row.visitor[data-state="failed"]').count()).toBe(0)
      await settled(page)
      await page.screenshot({ path: screenshotPath('widget-8-slow-down') })
      // Not stored while refused, then sent by itself after the wait the server named.
      await slowAgent.waitFor('message', (f) => f.message.body === 'Third, a bit too fast', 15_000)
      await notice.waitFor({ state: 'detached', timeout: 10_000 })
      await until(async () => (await page.locator('parley-chat .row.visitor[data-state="sending"]').count()) === 0, 'the queue to drain', 10_000)
      const r = await slowOwner.request('GET', `/api/conversations/${first.conversation.id}/messages?limit=500`)
      expect(r.body.map((m: { body: string }) => m.body)).toEqual(['First question', 'Second question', 'Third, a bit too fast'])
      expect(errors).toEqual([])
      await context.close()
    } finally {
      slowAgent.close()
      await slow.stop()
    }
  }, TEST_MS)

  it('keeps the greeting as the first bubble once the visitor has written', async () => {
    const { page, context, errors } = await openDemo(browser, srv.url)
    await page.locator('parley-chat .launcher').click()
    const from = agent.frames.length
    await page.locator('parley-chat textarea').fill('Is the greeting still there?')
    await page.keyboard.press('Enter')
    const seen = await agent.waitFor('message', (f) => f.message.body === 'Is the greeting still there?', 10_000, from)
    await page.locator('parley-chat .row.visitor[data-state="sent"]').waitFor({ timeout: 10_000 })
    agent.send({ type: 'message.send', clientId: cid(), conversationId: seen.conversation.id, body: 'It is.' })
    await bubbles(page, 'agent').filter({ hasText: 'It is.' }).waitFor({ timeout: 10_000 })
    // The greeting, then the visitor's message, then the reply: the conversation reads as it happened.
    const rows = page.locator('parley-chat .messages > li')
    expect(await rows.first().getAttribute('class')).toContain('greeting')
    expect(await rows.first().textContent()).toContain('Hi! How can we help you today?')
    expect(await page.locator('parley-chat .row.greeting').count()).toBe(1)
    expect(await rows.nth(1).textContent()).toContain('Is the greeting still there?')
    // And after a reload, from the stored thread.
    await page.reload()
    await bubbles(page, 'agent').filter({ hasText: 'It is.' }).waitFor({ timeout: 10_000 })
    expect(await page.locator('parley-chat .messages > li').first().textContent()).toContain('Hi! How can we help you today?')
    await settled(page)
    await page.screenshot({ path: screenshotPath('widget-9-greeting-kept') })
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it('follows a reply taller than the scroll margin down to its end, on a phone, and leaves a visitor who scrolled up where they are', async () => {
    const { page, context, errors } = await openDemo(browser, srv.url, { viewport: { width: 360, height: 640 } })
    await page.locator('parley-chat .launcher').click()
    const seen = await write(page, 'Which size should I take?')
    await page.locator('parley-chat .row.visitor[data-state="sent"]').waitFor({ timeout: 10_000 })
    const long = (n: number) => `Answer ${n}: ` + 'They run a little small, so take one size up; the width is generous and the toe box roomy. '.repeat(3)
    const gapAtEnd = () => page.locator('parley-chat .scroll').evaluate((l) => l.scrollHeight - l.scrollTop - l.clientHeight)
    // Each reply is far taller than the 120 px margin on a 360 px screen; the visitor was at the end.
    for (const n of [1, 2, 3]) {
      agent.send({ type: 'message.send', clientId: cid(), conversationId: seen.conversation.id, body: long(n) })
      await bubbles(page, 'agent').filter({ hasText: `Answer ${n}:` }).waitFor({ timeout: 10_000 })
      await until(async () => (await gapAtEnd()) < 2, `the list to follow answer ${n} to its end`)
    }
    await settled(page)
    await page.screenshot({ path: screenshotPath('widget-11-long-replies-phone') })
    // A visitor who scrolled back up to read is not pulled down by the next reply.
    await page.locator('parley-chat .scroll').evaluate((l) => (l.scrollTop = 0))
    agent.send({ type: 'message.send', clientId: cid(), conversationId: seen.conversation.id, body: long(4) })
    await bubbles(page, 'agent').filter({ hasText: 'Answer 4:' }).waitFor({ timeout: 10_000 })
    expect(await page.locator('parley-chat .scroll').evaluate((l) => l.scrollTop)).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it("hands the page's message_sent handlers the stored text, with the card number masked", async () => {
    const { page, context, errors } = await openDemo(browser, srv.url)
    await page.evaluate(() => {
      const w = window as unknown as { __sent: string[]; parley: (...a: unknown[]) => void }
      w.__sent = []
      w.parley('on', 'message_sent', (data: { body: string }) => w.__sent.push(data.body))
    })
    await page.locator('parley-chat .launcher').click()
    const from = agent.frames.length
    await page.locator('parley-chat textarea').fill('My card is 4111 1111 1111 1111, please refund it')
    await page.keyboard.press('Enter')
    const seen = await agent.waitFor('message', (f) => f.message.body.startsWith('My card is'), 10_000, from)
    expect(seen.message.body).toBe('My card is •••• •••• •••• 1111, please refund it')
    const sent = await until(() => page.evaluate(() => (window as unknown as { __sent: string[] }).__sent[0]), 'message_sent')
    expect(sent).toBe('My card is •••• •••• •••• 1111, please refund it')
    // The demo page's own log (a handler registered before the widget loaded) has no card number either.
    expect((await page.locator('#log').textContent()) ?? '').not.toContain('4111 1111')
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it("stops showing the agent typing as soon as the agent's dashboard closes", async () => {
    const { page, context, errors } = await openDemo(browser, srv.url)
    await page.locator('parley-chat .launcher').click()
    const seen = await write(page, 'Anyone there?')
    const dashboard = await agentOnline()
    dashboard.send({ type: 'typing', conversationId: seen.conversation.id, typing: true })
    await page.locator('parley-chat .typing').waitFor({ timeout: 10_000 })
    // The tab closes mid-word: it never says it stopped. The widget would wait 8 s on its own.
    dashboard.close()
    await page.locator('parley-chat .typing').waitFor({ state: 'detached', timeout: 3000 })
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it('asks for a message it missed when a later one shows a gap in the numbers', async () => {
    // The page's WebSocket loses the first message frame that carries the marker, as a frame lost
    // on the way would be; it also counts the resumes the widget sends.
    const init = `(() => {
      const Native = window.WebSocket
      window.WebSocket = class extends Native {
        set onmessage(fn) {
          super.onmessage = fn && ((e) => {
            const lost = typeof e.data === 'string' && e.data.startsWith('{"type":"message"') && e.data.includes('LOST-ON-THE-WAY')
            if (lost && !window.__lost) return void (window.__lost = true)
            fn.call(this, e)
          })
        }
        get onmessage() { return super.onmessage }
        send(data) {
          if (typeof data === 'string' && data.startsWith('{"type":"resume"')) window.__resumes = (window.__resumes || 0) + 1
          return super.send(data)
        }
      }
    })()`
    const { page, context, errors } = await openDemo(browser, srv.url, { init })
    await page.locator('parley-chat .launcher').click()
    const from = agent.frames.length
    await page.locator('parley-chat textarea').fill('Is the parcel on its way?')
    await page.keyboard.press('Enter')
    const seen = await agent.waitFor('message', (f) => f.message.body === 'Is the parcel on its way?', 10_000, from)
    await page.locator('parley-chat .row.visitor[data-state="sent"]').waitFor({ timeout: 10_000 })
    for (const body of ['It left today (LOST-ON-THE-WAY).', 'Here is the tracking link.']) {
      const clientId = cid()
      agent.send({ type: 'message.send', clientId, conversationId: seen.conversation.id, body })
      await agent.waitFor('ack', (f) => f.clientId === clientId, 10_000, from)
    }
    await page.locator('parley-chat .row.agent', { hasText: 'Here is the tracking link.' }).waitFor({ timeout: 10_000 })
    await page.locator('parley-chat .row.agent', { hasText: 'LOST-ON-THE-WAY' }).waitFor({ timeout: 5000 })
    expect(await page.evaluate(() => (window as unknown as { __lost?: boolean }).__lost)).toBe(true)
    // One resume: for the gap; the visitor's own message and its echo asked for none.
    expect(await page.evaluate(() => (window as unknown as { __resumes?: number }).__resumes)).toBe(1)
    expect(await bubbles(page, 'agent').allTextContents()).toEqual(['Hi! How can we help you today?', 'It left today (LOST-ON-THE-WAY).', 'Here is the tracking link.'])
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it('has no serious or critical WCAG 2.2 AA violation, closed, open, and in a conversation', async () => {
    const { page, context, errors } = await openDemo(browser, srv.url)
    await settled(page)
    const found = (await axeViolations(page)).map((v) => `closed: ${v}`)
    await page.locator('parley-chat .launcher').click()
    await settled(page)
    found.push(...(await axeViolations(page)).map((v) => `open: ${v}`))
    const seen = await write(page, 'Checking the colours')
    agent.send({ type: 'message.send', clientId: cid(), conversationId: seen.conversation.id, body: 'They look fine.' })
    await bubbles(page, 'agent').filter({ hasText: 'They look fine.' }).waitFor({ timeout: 10_000 })
    await page.locator('parley-chat .row.visitor[data-state="delivered"]').waitFor({ timeout: 10_000 })
    await settled(page)
    await page.screenshot({ path: screenshotPath('widget-10-audited') })
    found.push(...(await axeViolations(page)).map((v) => `conversation: ${v}`))
    expect(found).toEqual([])
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)

  it('shows the About page under the demo shop\'s About link', async () => {
    const { page, context, errors } = await openDemo(browser, srv.url)
    await page.locator('a', { hasText: 'About' }).first().click()
    await page.waitForURL(/page=about/)
    expect(await page.locator('h1').textContent()).toBe('About Northwind Outdoor')
    expect(await page.locator('body').textContent()).not.toContain('Gear for long walks')
    expect(await page.locator('a[aria-current="page"]').textContent()).toBe('About')
    await page.locator('parley-chat .launcher').waitFor({ timeout: 10_000 })
    await page.screenshot({ path: screenshotPath('demo-about') })
    expect(errors).toEqual([])
    await context.close()
  }, TEST_MS)
})
