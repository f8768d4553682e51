// The dashboard with the keyboard alone, in a real Chromium against a real Parley: focus goes where
// the agent is working after a search and after signing out, the visitor panel's toggle says
// whether the panel is shown, and the replay of a visit is played, sought and closed by keyboard
// with the recorded page no stop on the way and the replay page passing the audit too.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { gzipSync } from 'node:zlib'
import type { Browser, Frame, Page } from 'playwright-core'
import { Pages, launchBrowser, requireDashboardBundle, screenshotPath, signIn } from '../testing/browser.ts'
import { axeViolations } from '../testing/axe.ts'
import { waitForText } from '../testing/wait.ts'
import { runRecordingJobs } from '../../server/domain/recordings/recordings.usecases.ts'
import { AgentClient, VisitorClient, cid, startWithOwner, type TestServer } from '../../server/testing/harness.ts'

let srv: TestServer
let owner: AgentClient
let browser: Browser
const pages = new Pages(() => browser, 10_000)
const OWNER = { email: 'owner@example.com', password: 'owner-password' }
const TEST_MS = 40_000

beforeAll(async () => {
  requireDashboardBundle()
  ;({ srv, owner } = await startWithOwner())
  browser = await launchBrowser()
}, 30_000)

afterAll(async () => {
  await pages.close()
  await browser?.close()
  await srv?.stop()
})

/** The element that has focus, through shadow roots: its tag, data-action/name and text, for a test to compare. */
function focusedIn(target: Page | Frame): Promise<string> {
  return target.evaluate(() => {
    let el: Element | null = document.activeElement
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
    if (!el) return 'nothing'
    const id = el.getAttribute('data-action') ?? el.getAttribute('name') ?? el.getAttribute('aria-label') ?? ''
    return `${el.tagName.toLowerCase()}${id ? `[${id}]` : ''}`
  })
}

/**
 * The contrast of the focused element's ring (its box-shadow colour, blended over the top bar as
 * drawn) against the top bar's background; 0 when it shows no ring at all.
 */
function ringContrast(page: Page): Promise<number> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
    if (!el || !el.matches(':focus-visible')) return 0
    const ring = /rgba?\(([^)]+)\)/.exec(getComputedStyle(el).boxShadow)
    if (!ring) return 0
    const [r, g, b, a = 1] = ring[1]!.split(',').map(Number) as [number, number, number, number?]
    const bar = document.querySelector('parley-app')!.shadowRoot!.querySelector('header.top')!
    const [br, bg, bb] = /rgba?\(([^)]+)\)/.exec(getComputedStyle(bar).backgroundColor)![1]!.split(',').map(Number) as [number, number, number]
    const drawn = [r * a + br * (1 - a), g * a + bg * (1 - a), b * a + bb * (1 - a)]
    const lum = (c: number[]) => {
      const [x, y, z] = c.map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4))
      return 0.2126 * x! + 0.7152 * y! + 0.0722 * z!
    }
    const [hi, lo] = [lum(drawn), lum([br, bg, bb])].sort((p, q) => q - p)
    return Math.round(((hi! + 0.05) / (lo! + 0.05)) * 100) / 100
  })
}

async function conversationWith(body: string, name: string): Promise<{ visitor: VisitorClient; conversationId: string }> {
  const visitor = await VisitorClient.create(srv.url)
  const r = await visitor.request('POST', '/api/widget/messages', { body, clientId: cid() })
  expect(r.status).toBe(201)
  expect((await owner.request('PATCH', `/api/visitors/${visitor.id}`, { name })).status).toBe(200)
  return { visitor, conversationId: r.body.conversation.id }
}

describe('the dashboard by keyboard', () => {
  it("skips the top bar, keeps focus in the search after Enter, says whether the visitor panel is shown, rings the top bar's controls visibly, and lands on the e-mail field after signing out", async () => {
    const { conversationId } = await conversationWith('Where is my parcel?', 'Jana Nováková')
    const page = await pages.open(1280, 800)
    await signIn(page, srv.url, OWNER)
    await page.goto(`${srv.url}/#/c/${conversationId}`)
    await waitForText(page.locator('parley-thread .messages'), 'Where is my parcel?')

    // The first Tab offers to skip the top bar (the owner's ten links, the status, the account);
    // it stays on the open conversation and the next Tab is in the page itself.
    await page.keyboard.press('Tab')
    expect(await focusedIn(page)).toBe('a[skip]')
    expect(await page.locator('parley-app .skip').evaluate((a) => a.getBoundingClientRect().top >= 0)).toBe(true)
    await page.keyboard.press('Enter')
    await page.keyboard.press('Tab')
    expect(await page.locator('parley-conversation-list [data-view=open]').evaluate((b) => b.matches(':focus'))).toBe(true)
    expect(page.url()).toContain(`#/c/${conversationId}`)

    // The toggle of the panel beside the thread is a disclosure: expanded while the panel shows.
    const toggle = page.locator('parley-thread .panel-toggle')
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    await toggle.focus()
    await page.keyboard.press('Enter')
    await page.locator('parley-visitor-panel').waitFor({ state: 'hidden' })
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')
    await page.keyboard.press('Enter')
    await page.locator('parley-visitor-panel').waitFor()
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')

    // Resolved by the arrow key, into the search by Tab, a search by Enter: the keyboard stays in the field.
    await page.locator('parley-conversation-list [data-view=open]').focus()
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('Tab')
    expect(await focusedIn(page)).toBe('input[q]')
    await page.keyboard.type('parcel')
    await page.keyboard.press('Enter')
    await page.waitForURL(/#\/search/)
    await page.locator('parley-conversation-list [data-search-results][aria-busy=false]').waitFor({ state: 'attached' })
    expect(await focusedIn(page)).toBe('input[q]')

    // The top bar is dark: each control's focus ring stands out from it by 3:1 or more (WCAG 1.4.11).
    for (const target of ['a[aria-label=Agents]', 'parley-status-switch [aria-checked=true]', 'parley-account-menu .trigger']) {
      await page.locator(`parley-app ${target}`).focus()
      await page.keyboard.press('Shift+Tab')
      await page.keyboard.press('Tab')
      const ratio = await ringContrast(page)
      expect({ target, ok: ratio >= 3 }).toEqual({ target, ok: true })
    }

    // Signing out from the account menu: the sign-in form's e-mail field has focus, not the page's body.
    await page.locator('parley-account-menu .trigger').focus()
    await page.keyboard.press('Enter')
    await page.locator('parley-account-menu [data-action=sign-out]').focus()
    await page.keyboard.press('Enter')
    await page.locator('parley-login form').waitFor()
    expect(await focusedIn(page)).toBe('input[email]')
    expect(page.errors).toEqual([])
  }, TEST_MS)

  it('plays, seeks and closes a recorded visit by keyboard, and the replay page passes the audit at phone width', async () => {
    const { visitor, conversationId } = await conversationWith('Are these boots waterproof?', 'Piotr Zieliński')
    // A saved recording of 21 s: a product page with a link and a button, the pointer moving.
    const rec = crypto.randomUUID()
    const t0 = Date.now() - 60_000
    const el = (id: number, tagName: string, attributes: Record<string, string>, childNodes: unknown[]) => ({ type: 2, id, tagName, attributes, childNodes })
    const text = (id: number, textContent: string) => ({ type: 3, id, textContent })
    const events = [
      { type: 4, timestamp: t0, data: { href: `${srv.url}/demo/boots`, width: 1280, height: 800 } },
      {
        type: 2,
        timestamp: t0 + 5,
        data: {
          node: {
            type: 0,
            id: 1,
            childNodes: [
              { type: 1, id: 2, name: 'html', publicId: '', systemId: '' },
              el(3, 'html', { lang: 'en' }, [
                el(4, 'head', {}, []),
                el(5, 'body', {}, [el(6, 'h1', {}, [text(7, 'Hiking boots')]), el(8, 'a', { href: '/demo' }, [text(9, 'Back to the shop')]), el(10, 'button', {}, [text(11, 'Add to cart')])]),
              ]),
            ],
          },
          initialOffset: { top: 0, left: 0 },
        },
      },
      ...Array.from({ length: 40 }, (_, i) => ({ type: 3, timestamp: t0 + 500 + i * 500, data: { source: 1, positions: [{ x: 100 + i * 10, y: 100, id: 6, timeOffset: 0 }] } })),
      { type: 3, timestamp: t0 + 21_000, data: { source: 1, positions: [{ x: 500, y: 120, id: 6, timeOffset: 0 }] } },
    ]
    const res = await fetch(`${srv.url}/api/widget/recordings/${rec}/chunks/0`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${visitor.token}` },
      body: new Uint8Array(gzipSync(JSON.stringify(events))),
    })
    expect(res.status).toBe(201)
    await srv.db.sql`update recordings set last_chunk_at = now() - interval '5 minutes' where id = ${rec}`
    expect((await runRecordingJobs({ sql: srv.db.sql })).finalized).toBe(1)

    const page = await pages.open(360, 740)
    await signIn(page, srv.url, OWNER)
    await page.goto(`${srv.url}/#/c/${conversationId}`)
    await page.locator('parley-thread .panel-toggle').click()
    const play = page.locator('parley-visitor-recordings [data-recording] [data-action=play-recording]')
    await play.focus()
    await page.keyboard.press('Enter')
    const dialog = page.locator('parley-visitor-recordings dialog')
    const replay = page.frameLocator('parley-visitor-recordings iframe.replay')
    await replay.locator('[data-action=play]').waitFor()
    await replay.locator('.replayer-wrapper iframe').waitFor()
    const frame = page.frames().find((f) => f.url().includes('/replay?'))!

    // From the dialog's Close button, Tab goes to the player's controls: the recorded page's link
    // and button are a picture of the visit, not stops on the way.
    expect(await focusedIn(page)).toBe('button[close-replay]')
    await page.keyboard.press('Tab')
    expect(await focusedIn(frame)).toBe('button[play]')
    await page.keyboard.press('Enter') // pause
    await replay.locator('[data-action=play][aria-label=Play]').waitFor()

    // The timeline's arrow keys move seconds, not milliseconds.
    await page.keyboard.press('Tab')
    expect(await focusedIn(frame)).toBe('input[Timeline]')
    const timeline = replay.locator('input[type=range]')
    const before = Number(await timeline.inputValue())
    await page.keyboard.press('ArrowRight')
    expect(Number(await timeline.inputValue()) - before).toBeGreaterThanOrEqual(4_000)

    // The whole replay page: contrast of the messages not yet said, the recorded page's frame
    // named, a level-one heading, message marks a finger can hit.
    expect(await axeViolations(frame as unknown as Page)).toEqual([])
    await page.screenshot({ path: screenshotPath('keyboard-replay-phone') })

    // Escape inside the replay's own frame closes the dialog, and focus goes back to its opener.
    await page.keyboard.press('Escape')
    const open = () => dialog.evaluate((d: HTMLDialogElement) => d.open)
    for (let i = 0; i < 40 && (await open()); i++) await Bun.sleep(50)
    expect(await open()).toBe(false)
    expect(await focusedIn(page)).toBe('button[play-recording]')
    expect(page.errors.filter((e) => !/Blocked script execution .* sandboxed/.test(e))).toEqual([])
  }, TEST_MS)

  it('moves focus into the visitor drawer and the account menu as they open, and Escape or leaving them closes them with focus back on their button', async () => {
    const { conversationId } = await conversationWith('Can I change my delivery address?', 'Tomáš Dvořák')
    const page = await pages.open(1024, 768)
    await signIn(page, srv.url, OWNER)
    await page.goto(`${srv.url}/#/c/${conversationId}`)
    await waitForText(page.locator('parley-thread .messages'), 'Can I change my delivery address?')

    // Up to 1100 px the visitor panel is a drawer over the thread, closed when a conversation opens.
    const toggle = page.locator('parley-thread .panel-toggle')
    const panel = page.locator('parley-visitor-panel')
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')
    await toggle.focus()
    await page.keyboard.press('Enter')
    await panel.waitFor()
    expect(await focusedIn(page)).toBe('parley-visitor-panel[Visitor details]')
    await page.screenshot({ path: screenshotPath('keyboard-visitor-drawer') })
    // Escape in a field of the drawer is the field's: it cancels the edit and the drawer stays.
    await page.keyboard.press('Tab')
    await page.locator('parley-visitor-panel [data-field=name]').focus()
    await page.keyboard.press('Enter')
    await page.locator('parley-visitor-panel input[name=name]').waitFor()
    await page.keyboard.press('Escape')
    await page.locator('parley-visitor-panel input[name=name]').waitFor({ state: 'detached' })
    expect(await panel.isVisible()).toBe(true)
    // The next Escape closes the drawer, and the keyboard is back on its toggle.
    await page.locator('parley-visitor-panel [data-field=name]').focus()
    await page.keyboard.press('Escape')
    await panel.waitFor({ state: 'hidden' })
    expect(await focusedIn(page)).toBe('button[Visitor details]')
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')

    // The account menu is a small dialog: opening it puts the keyboard on its first field, Escape
    // closes it onto its button, and tabbing out of its last control closes it too.
    const trigger = page.locator('parley-account-menu .trigger')
    await trigger.focus()
    await page.keyboard.press('Enter')
    expect(await trigger.getAttribute('aria-haspopup')).toBe('dialog')
    await page.locator('parley-account-menu #account-panel').waitFor()
    for (let i = 0; i < 20 && (await focusedIn(page)) !== 'select'; i++) await Bun.sleep(25)
    expect(await focusedIn(page)).toBe('select')
    await page.keyboard.press('Escape')
    await page.locator('parley-account-menu #account-panel').waitFor({ state: 'detached' })
    expect(await focusedIn(page)).toBe('button')
    await page.keyboard.press('Enter')
    await page.locator('parley-account-menu [data-action=sign-out]').focus()
    await page.keyboard.press('Tab')
    await page.locator('parley-account-menu #account-panel').waitFor({ state: 'detached' })
    expect(page.errors).toEqual([])
  }, TEST_MS)
})

describe('the dashboard for screen readers', () => {
  it("ties the widget colour's error to its field and puts the keyboard there", async () => {
    const page = await pages.open(1280, 900)
    await signIn(page, srv.url, OWNER)
    await page.goto(`${srv.url}/#/widget`)
    const color = page.locator('parley-widget-settings input[name=color]')
    await color.fill('#12')
    await page.locator('parley-widget-settings button[type=submit]').first().focus()
    await page.keyboard.press('Enter')
    await waitForText(page.locator('parley-widget-settings .error'), 'Use a colour like')
    expect(await focusedIn(page)).toBe('input[color]')
    expect(await color.getAttribute('aria-invalid')).toBe('true')
    const describedBy = await color.getAttribute('aria-describedby')
    expect(describedBy).toBeTruthy()
    expect(await page.locator(`parley-widget-settings [id="${describedBy}"]`).textContent()).toContain('Use a colour like')
  }, TEST_MS)

  it("reads out only what others write in the open conversation, never its history or the agent's own reply, and has the mention notices' live region ready before the first", async () => {
    const jana = await conversationWith('My parcel has not arrived.', 'Jana Nováková')
    const other = await conversationWith('Do you ship to Slovakia?', 'Piotr Zieliński')
    const alex = new AgentClient(srv.url)
    expect((await owner.request('POST', '/api/agents', { name: 'Alex Full', email: 'alex@example.com', password: 'agent-password-1', role: 'full' })).status).toBe(201)
    expect((await alex.login('alex@example.com', 'agent-password-1')).status).toBe(200)

    const page = await pages.open(1280, 800)
    await signIn(page, srv.url, OWNER)
    // A live region added together with its content is often not read: it is there, empty, first.
    expect(await page.locator('parley-mention-toasts [role=status]').count()).toBe(1)
    await page.goto(`${srv.url}/#/c/${jana.conversationId}`)
    await waitForText(page.locator('parley-thread .messages'), 'My parcel has not arrived.')

    // The thread is a log but not a live one (opening it would read its whole history); what
    // arrives is told in a region of its own, with who wrote it.
    const arrived = page.locator('parley-thread [data-arrived]')
    expect(await page.locator('parley-thread .messages').getAttribute('aria-live')).toBe('off')
    expect(await arrived.textContent()).toBe('')
    expect((await jana.visitor.request('POST', '/api/widget/messages', { body: 'It was due on Monday.', clientId: cid() })).status).toBe(201)
    await waitForText(arrived, 'Jana Nováková: It was due on Monday.')
    expect((await alex.request('POST', `/api/conversations/${jana.conversationId}/messages`, { body: 'I am checking with the courier.', clientId: cid() })).status).toBe(201)
    await waitForText(arrived, 'Alex Full: I am checking with the courier.')
    // My own reply is not read back to me.
    await page.locator('parley-composer textarea').fill('Thank you, one moment please.')
    await page.locator('parley-composer textarea').press('Enter')
    await waitForText(page.locator('parley-thread .messages'), 'Thank you, one moment please.')
    await Bun.sleep(300)
    expect(await arrived.textContent()).toBe('Alex Full: I am checking with the courier.')
    // Another conversation starts silent.
    await page.goto(`${srv.url}/#/c/${other.conversationId}`)
    await waitForText(page.locator('parley-thread .messages'), 'Do you ship to Slovakia?')
    expect(await arrived.textContent()).toBe('')

    // A colleague's mention: its notice comes into the region that was waiting.
    expect((await alex.request('POST', `/api/conversations/${other.conversationId}/notes`, { body: '@Olivia Owner can you take this one?', clientId: cid() })).status).toBe(201)
    await waitForText(page.locator('parley-mention-toasts [role=status]'), 'Alex Full mentioned you in a note')
    expect(await axeViolations(page)).toEqual([])
    expect(page.errors).toEqual([])
  }, TEST_MS)
})
