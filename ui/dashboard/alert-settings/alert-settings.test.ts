// Desktop notifications, sound and Web Push in a real Chromium against a real Parley: the choices
// per event are saved on the server; a blocked permission is said plainly; with two tabs of one
// browser in the background a visitor's message gives one notification and one chime, and none
// while the conversation is open in a tab; the service worker is served from the dashboard's origin,
// registers, shows a push delivered to it and opens the conversation when it is clicked.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { launchBrowser, screenshotPath, signIn } from '../../testing/browser.ts'
import { waitForText } from '../../testing/wait.ts'
import { axeViolations } from '../../testing/axe.ts'
import { UI_DIR } from '../../../server/http/static.ts'
import { AgentClient, VisitorClient, cid, startWithOwner, testConfig, type TestServer } from '../../../server/testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let browser: Browser
const contexts: BrowserContext[] = []
const LENA = { email: 'lena@example.com', password: 'agent-password' }

beforeAll(async () => {
  if (!existsSync(join(UI_DIR, 'sw.js'))) throw new Error('no service worker bundle: run bun scripts/build-ui.ts first')
  ;({ srv, owner } = await startWithOwner({ push: { ...testConfig().push, allowLoopbackHttp: true } }))
  expect((await owner.request('POST', '/api/agents', { ...LENA, name: 'Lena', role: 'limited' })).status).toBe(201)
  browser = await launchBrowser({ full: true })
}, 60_000)

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {})
  await browser?.close()
  await srv?.stop()
}, 60_000)

/**
 * What the page did: every Notification it constructed (and whether Chromium then fired `show` or
 * `error` on it), and every note of the chime (the oscillators started and the loudest gain).
 */
const RECORDER = () => {
  const w = window as any
  w.__alerts = { notifications: [] as any[], notes: 0, peak: 0 }
  const Real = window.Notification
  if (Real) {
    w.Notification = class extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options)
        const rec = { title, body: options?.body, tag: options?.tag, shown: null as null | boolean }
        w.__alerts.notifications.push(rec)
        this.addEventListener('show', () => (rec.shown = true))
        this.addEventListener('error', () => (rec.shown = false))
      }
    }
  }
  // The audio contexts the page makes, to see them rest between chimes.
  w.__audio = [] as AudioContext[]
  const RealAudio = window.AudioContext
  w.AudioContext = class extends RealAudio {
    constructor(options?: AudioContextOptions) {
      super(options)
      w.__audio.push(this)
    }
  }
  const osc = AudioContext.prototype.createOscillator
  AudioContext.prototype.createOscillator = function (this: AudioContext) {
    w.__alerts.notes++
    return osc.call(this)
  }
  const ramp = AudioParam.prototype.exponentialRampToValueAtTime
  AudioParam.prototype.exponentialRampToValueAtTime = function (this: AudioParam, v: number, t: number) {
    w.__alerts.peak = Math.max(w.__alerts.peak, v)
    return ramp.call(this, v, t)
  }
}

async function context(permission: 'granted' | 'denied' | null): Promise<BrowserContext> {
  const c = await browser.newContext({ viewport: { width: 1100, height: 1100 } })
  contexts.push(c)
  if (permission === 'granted') await c.grantPermissions(['notifications'], { origin: srv.url })
  await c.addInitScript(RECORDER)
  return c
}

async function openPage(c: BrowserContext): Promise<Page & { errors: string[] }> {
  const page = (await c.newPage()) as Page & { errors: string[] }
  page.setDefaultTimeout(10_000)
  page.errors = []
  page.on('pageerror', (e) => page.errors.push(String(e)))
  return page
}

/** Chromium's own permission setting for this context (the browser's real state, as a user's "Block" leaves it). */
async function setPermission(page: Page, name: 'notifications' | 'push', setting: 'granted' | 'denied'): Promise<void> {
  const session = await page.context().newCDPSession(page)
  const { targetInfo } = await session.send('Target.getTargetInfo')
  const browserSession = await browser.newBrowserCDPSession()
  await browserSession.send('Browser.setPermission', {
    permission: name === 'push' ? { name, userVisibleOnly: true } : { name },
    setting,
    origin: srv.url,
    browserContextId: targetInfo.browserContextId,
  })
}
const blockNotifications = (page: Page) => setPermission(page, 'notifications', 'denied')

const alerts = (page: Page) => page.evaluate(() => (window as any).__alerts as { notifications: { title: string; body: string; tag: string; shown: boolean | null }[]; notes: number; peak: number })

/** Headless tabs are always visible: stand in for the agent switching to another tab or app. */
const hide = (page: Page) =>
  page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' })
    document.dispatchEvent(new Event('visibilitychange'))
  })

async function accountPage(page: Page): Promise<void> {
  await signIn(page, srv.url, LENA)
  await page.goto(`${srv.url}/#/account`)
  await page.locator('parley-alert-settings form[data-form=alerts]').waitFor()
}

describe('desktop notifications and sound', () => {
  it('saves my choice per event and the volume on the server, and tests the sound at that volume', async () => {
    const page = await openPage(await context('granted'))
    await accountPage(page)
    const section = page.locator('parley-alert-settings')
    await waitForText(section.locator('[data-permission=granted]'), 'Desktop notifications are allowed in this browser.')
    const form = section.locator('form[data-form=alerts]')
    expect(await form.locator('tbody tr').count()).toBe(4)
    await form.locator('input[name="desktop.unassigned_message"]').uncheck()
    await form.locator('input[name="sound.mention"]').uncheck()
    await form.locator('input[name="sound.unassigned_message"]').uncheck()
    await form.locator('input[name=volume]').fill('40')
    await waitForText(form.locator('output'), '40 %')
    await form.locator('button[data-action=test]').click()
    await page.waitForFunction(() => (window as any).__alerts.notes >= 2)
    const tested = await alerts(page)
    expect(tested.peak).toBeCloseTo(0.3 * 0.4, 5)
    expect(tested.notifications.map((n) => n.title)).toEqual(['Parley: test notification'])
    await form.locator('button[type=submit]').click()
    await waitForText(form.locator('.notice'), 'Your desktop notifications and sounds are saved.')
    const lena = new AgentClient(srv.url)
    await lena.login(LENA.email, LENA.password)
    expect((await lena.request('GET', '/api/settings/alerts')).body).toMatchObject({
      desktop: ['new_conversation', 'my_message', 'mention'],
      sound: ['new_conversation', 'my_message'],
      volume: 40,
    })
    await page.reload()
    await page.locator('parley-alert-settings form[data-form=alerts]').waitFor()
    expect(await form.locator('input[name="desktop.unassigned_message"]').isChecked()).toBe(false)
    expect(await form.locator('input[name="desktop.new_conversation"]').isChecked()).toBe(true)
    await section.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('alerts-1-choices') })
    expect(await axeViolations(page)).toEqual([])
    // On a phone the table still fits inside its card.
    await page.setViewportSize({ width: 390, height: 1000 })
    await section.locator('table').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('alerts-1-choices-phone') })
    const table = await section.locator('table').boundingBox()
    const card = await section.locator('section.card').boundingBox()
    expect(table!.x + table!.width).toBeLessThanOrEqual(card!.x + card!.width - 8)
    // No wider than the account page's other cards (the e-mail notifications card above it).
    const above = await page.locator('parley-notification-settings section.card').first().boundingBox()
    expect(card!.width).toBeLessThanOrEqual(above!.width + 0.5)
    expect(page.errors).toEqual([])
    await lena.request('PUT', '/api/settings/alerts', { desktop: ['new_conversation', 'my_message', 'unassigned_message', 'mention'], sound: ['new_conversation', 'my_message', 'unassigned_message', 'mention'], volume: 40 })
  }, 60_000)

  it('says plainly that the browser blocks notifications, and how to allow them', async () => {
    const page = await openPage(await context(null))
    await page.goto(srv.url + '/')
    await blockNotifications(page)
    await accountPage(page)
    const section = page.locator('parley-alert-settings')
    await waitForText(section.locator('[data-permission=denied]'), 'This browser blocks notifications from Parley.')
    await waitForText(section.locator('[data-push=denied]'), 'Push notifications need desktop notifications to be allowed')
    await section.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('alerts-2-blocked') })
    expect(await axeViolations(page)).toEqual([])
    expect(page.errors).toEqual([])
  }, 60_000)

  it('shows one notification and plays one chime across two background tabs, and none while the conversation is open in a tab', async () => {
    const c = await context('granted')
    const first = await openPage(c)
    await signIn(first, srv.url, LENA)
    const second = await openPage(c)
    await second.goto(srv.url + '/')
    await second.locator('parley-conversation-list').waitFor()
    await hide(first)
    await hide(second)
    const visitor = await VisitorClient.create(srv.url)
    const r = await visitor.request('POST', '/api/widget/messages', { body: 'Do you ship to Brno?', clientId: cid() })
    const conversationId = r.body.conversation.id as string
    const both = async () => [await alerts(first), await alerts(second)]
    const deadline = Date.now() + 10_000
    while ((await both()).reduce((n, a) => n + a.notifications.length, 0) < 1 && Date.now() < deadline) await Bun.sleep(50)
    // Both tabs got the message; give the other one time to (wrongly) ring too.
    await Bun.sleep(1500)
    const [a, b] = await both()
    const shown = [...a!.notifications, ...b!.notifications]
    expect(shown).toHaveLength(1)
    expect(shown[0]).toMatchObject({ body: 'Do you ship to Brno?', tag: conversationId })
    expect(shown[0]!.title).toMatch(/^New message from Visitor #\d+$/)
    // One chime: two notes, at the saved volume.
    expect(a!.notes + b!.notes).toBe(2)
    expect(Math.max(a!.peak, b!.peak)).toBeCloseTo(0.3 * 0.4, 5)
    // The first tab made its audio context when the agent signed in (a key press). More than a
    // second after the notes, every context is suspended: a running one keeps the browser's audio
    // thread busy for as long as the dashboard is open.
    const states = async (p: Page) => p.evaluate(() => ((window as any).__audio as AudioContext[]).map((x) => x.state))
    expect(await states(first)).toEqual(['suspended'])
    expect((await states(second)).filter((state) => state !== 'suspended')).toEqual([])
    console.log(`headless Chromium on the desktop notification: ${shown[0]!.shown === true ? 'show fired' : shown[0]!.shown === false ? 'error fired' : 'neither show nor error fired'}`)

    // The agent opens the conversation in the second tab and looks at it: no tab rings for it.
    await second.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' })
      document.dispatchEvent(new Event('visibilitychange'))
    })
    await second.goto(`${srv.url}/#/c/${conversationId}`)
    await second.locator('parley-thread .bubble').getByText('Do you ship to Brno?').waitFor()
    await hide(first)
    await Bun.sleep(300)
    await visitor.request('POST', '/api/widget/messages', { body: 'Or to Ostrava?', clientId: cid() })
    await second.locator('parley-thread .bubble').getByText('Or to Ostrava?').waitFor()
    await Bun.sleep(1500)
    const [a2, b2] = await both()
    expect([...a2!.notifications, ...b2!.notifications].filter((n) => n.body === 'Or to Ostrava?')).toEqual([])
    expect(a2!.notes + b2!.notes).toBe(a!.notes + b!.notes)
    expect(first.errors.concat(second.errors)).toEqual([])
  }, 60_000)

  it('serves the service worker from the dashboard origin, registers it, shows a push delivered to it, and opens its conversation on a click', async () => {
    const sw = await fetch(`${srv.url}/sw.js`)
    expect(sw.status).toBe(200)
    expect(sw.headers.get('content-type')).toContain('javascript')
    expect(sw.headers.get('content-security-policy')).toBe("default-src 'none'")
    // The visitor writes before the dashboard opens. A message that arrives live makes the tab show
    // its own notification, tagged with the conversation like the push's; the one shown last
    // replaces the other, so the push's notification would be there or not by a race (seen: the
    // worker received the push, and getNotifications() was empty).
    const visitor = await VisitorClient.create(srv.url)
    const conversationId = (await visitor.request('POST', '/api/widget/messages', { body: 'Do you ship to Brno?', clientId: cid() })).body.conversation.id as string
    const page = await openPage(await context('granted'))
    await accountPage(page)
    const section = page.locator('parley-alert-settings')
    await waitForText(section.locator('[data-push=off]'), 'Push notifications are off for this device.')
    await section.locator('button[data-action=push-on]').click()
    // The worker registers whatever the push service says.
    const script = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL ?? null)
    expect(script).toBe(`${srv.url}/sw.js`)
    await page.waitForFunction(() => {
      const el = document.querySelector('parley-app')?.shadowRoot?.querySelector('parley-account-page')?.shadowRoot?.querySelector('parley-alert-settings')?.shadowRoot
      return !!el?.querySelector('[data-push=on], [data-state=push-error]')
    })
    // Chromium refuses push subscriptions in an off-the-record context (every Playwright context is
    // one) and has no push service to reach here; the page must then say so, and store nothing.
    const lena = new AgentClient(srv.url)
    await lena.login(LENA.email, LENA.password)
    const devices = (await lena.request('GET', '/api/push/subscriptions')).body.devices
    if ((await section.locator('[data-push=on]').count()) > 0) {
      console.log("headless Chromium's PushManager.subscribe(): subscribed")
      expect(devices).toHaveLength(1)
    } else {
      const error = await section.locator('[data-state=push-error]').innerText()
      console.log(`headless Chromium's PushManager.subscribe(): ${error}`)
      expect(error).toMatch(/^This browser could not subscribe to push notifications: .+/)
      expect(devices).toEqual([])
      await waitForText(section.locator('[data-push=off]'), 'Push notifications are off for this device.')
    }
    await section.scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('alerts-3-push') })
    expect(await axeViolations(page)).toEqual([])

    // A push as the push service would hand it over, delivered to the registered worker by Chromium itself.
    const session = await page.context().newCDPSession(page)
    const registered = new Promise<string>((resolve) =>
      session.on('ServiceWorker.workerRegistrationUpdated', (e) => {
        const r = e.registrations.find((x) => x.scopeURL === `${srv.url}/` && !x.isDeleted)
        if (r) resolve(r.registrationId)
      }),
    )
    await session.send('ServiceWorker.enable')
    const registrationId = await registered
    const deliver = () =>
      session.send('ServiceWorker.deliverPushMessage', {
        origin: `${srv.url}/`,
        registrationId,
        data: JSON.stringify({ title: 'New conversation: Visitor #7', body: 'Do you ship to Brno?', conversationId, tag: conversationId, event: 'new_conversation' }),
      })
    await deliver()
    // Asked again until the worker has shown it (waitForFunction would take the async check's
    // promise itself for a yes, and hand back `false` when the push was still on its way).
    let shown: unknown = false
    for (let i = 0; i < 200 && !shown; i++) {
      // DevTools' delivery sometimes comes to nothing: this case failed in about 1 run of 3 at one
      // hour, at the code of the session before too, and in a run that delivered the same push
      // again after 3 s the second was shown. A real push service's delivery is not this path.
      // The same push (same tag) shows one notification however often it comes.
      if (i === 60 || i === 120) await deliver()
      shown = await page.evaluate(async () => {
        const list = await (await navigator.serviceWorker.ready).getNotifications()
        return list.length > 0 ? list.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data })) : false
      })
      if (!shown) await Bun.sleep(50)
    }
    expect(shown).toEqual([{ title: 'New conversation: Visitor #7', body: 'Do you ship to Brno?', tag: conversationId, data: { conversationId } }])

    // Clicking it: no protocol command clicks a system notification, so the worker is handed the
    // click event Chromium would give it, for that real notification; the open tab shows the conversation.
    const worker = page.context().serviceWorkers().find((w) => w.url() === `${srv.url}/sw.js`) ?? (await page.context().waitForEvent('serviceworker'))
    await worker.evaluate(async () => {
      const scope = self as any
      const [n] = await scope.registration.getNotifications()
      scope.dispatchEvent(new (scope.NotificationEvent)('notificationclick', { notification: n }))
    })
    await page.waitForFunction((id) => location.hash === `#/c/${id}`, conversationId)
    await page.locator('parley-thread .bubble').getByText('Do you ship to Brno?').waitFor()
    expect(await page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).length)).toBe(0)
    expect(page.errors).toEqual([])
    // The tab made no notification of its own: the one shown was the push's.
    expect(await page.evaluate(() => (window as any).__alerts.notifications.length)).toBe(0)
  }, 60_000)
})

