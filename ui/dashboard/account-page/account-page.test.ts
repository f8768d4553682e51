// My account and the owner's agent editing, in a real Chromium against a real Parley: change my
// name and password (which signs my other sessions out, their open dashboards included), list my
// sessions and sign out everywhere else; the owner edits an agent and resets their password; the
// sign-in screen says how long a throttled address must wait.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { Pages, launchBrowser, screenshotPath, signIn as signInAs, type WatchedPage, requireDashboardBundle } from '../../testing/browser.ts'
import { waitForCount, waitForText } from '../../testing/wait.ts'
import { axeViolations } from '../../testing/axe.ts'
import { AgentClient, startTestServer, type TestServer } from '../../../server/testing/harness.ts'

let srv: TestServer
let browser: Browser
const pages = new Pages(() => browser, 10_000)
const TEST_MS = 90_000

const OWNER = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'owner-password' }

beforeAll(async () => {
  requireDashboardBundle()
  srv = await startTestServer({ ownerEmail: OWNER.email, ownerPassword: OWNER.password, ownerName: OWNER.name })
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await pages.close()
  await browser?.close()
  await srv?.stop()
}, 60_000)

const newPage = (width?: number, height?: number) => pages.open(width, height)
const signIn = (page: Page, who: { email: string; password: string }) => signInAs(page, srv.url, who)

const errorsOf = (page: Page) => (page as WatchedPage).errors

describe('my account', () => {
  it('changes my name and password, which signs my other sessions out, dashboards included', async () => {
    const page = await newPage()
    await signIn(page, OWNER)
    const other = await newPage()
    await signIn(other, OWNER)

    // The account menu leads to the account page.
    await page.locator('parley-account-menu .trigger').click()
    await page.locator('parley-account-menu [data-action=account]').click()
    const account = page.locator('parley-account-page')
    await waitForText(account.locator('h1'), 'My account')
    await waitForCount(account.locator('tr[data-session]'), 2)
    await waitForText(account.locator('tr.current'), 'This device')
    await waitForText(account.locator('tr.current'), 'on Linux')
    await waitForText(account.locator('.sessions-foot'), '1 other session')
    await account.locator('#sessions-h').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('account-1-sessions') })
    expect(await axeViolations(page)).toEqual([])

    // My name (and, for the owner, the e-mail address), saved and shown at once.
    await account.locator('input[name=name]').fill('Olivia O. Owner')
    await account.locator('input[name=email]').fill('olivia.owner@example.com')
    await account.locator('form[data-form=name] button[type=submit]').click()
    await waitForText(account.locator('form[data-form=name] .notice'), 'Your name is saved.')
    await waitForText(page.locator('parley-account-menu .name'), 'Olivia O. Owner')
    await waitForText(account.locator('.lead'), 'olivia.owner@example.com')
    OWNER.email = 'olivia.owner@example.com'

    // The current password is asked for, and a common new one is refused with the reason.
    const pw = account.locator('form[data-form=password]')
    await pw.locator('input[name=currentPassword]').fill('not-my-password')
    await pw.locator('input[name=password]').fill('a-much-better-secret')
    await pw.locator('button[type=submit]').click()
    await waitForText(pw.locator('#currentPassword-msg'), 'That is not your current password.')
    await pw.locator('input[name=currentPassword]').fill(OWNER.password)
    await pw.locator('input[name=password]').fill('password1234')
    await pw.locator('button[type=submit]').click()
    await waitForText(pw.locator('#password-msg'), 'one of the most common passwords')
    await page.screenshot({ path: screenshotPath('account-2-password-refused'), fullPage: true })

    await pw.locator('input[name=password]').fill('a-much-better-secret')
    await pw.locator('button[type=submit]').click()
    await waitForText(pw.locator('.notice'), 'Password changed.')
    // The other browser's dashboard is sent to the sign-in screen, saying why.
    await waitForText(other.locator('parley-login .alert'), 'Your session was ended')
    await other.screenshot({ path: screenshotPath('account-3-other-session-ended') })
    await waitForCount(account.locator('tr[data-session]'), 1)
    expect((await new AgentClient(srv.url).login(OWNER.email, OWNER.password)).status).toBe(401)
    OWNER.password = 'a-much-better-secret'
    expect(errorsOf(page)).toEqual([])
  }, TEST_MS)

  it('signs out one session, and then everywhere else', async () => {
    const page = await newPage()
    await signIn(page, OWNER)
    const phone = await newPage(390, 800)
    await signIn(phone, OWNER)
    const laptop = new AgentClient(srv.url)
    expect((await laptop.login(OWNER.email, OWNER.password)).status).toBe(200)

    await page.goto(srv.url + '/#/account')
    const account = page.locator('parley-account-page')
    await waitForCount(account.locator('tr[data-session]'), 4)
    // The API client's session: it sends no browser's User-Agent.
    await account.locator('tr[data-session]', { hasText: 'Unknown browser' }).locator('[data-action=end-session]').click()
    await waitForCount(account.locator('tr[data-session]'), 3)
    expect((await laptop.request('GET', '/api/auth/me')).status).toBe(401)

    page.once('dialog', (d) => void d.accept())
    await account.locator('[data-action=end-others]').click()
    await waitForCount(account.locator('tr[data-session]'), 1)
    await waitForText(account.locator('.sessions-foot'), 'You are signed in only here.')
    expect(await account.locator('[data-action=end-others]').isDisabled()).toBe(true)
    await waitForText(phone.locator('parley-login .alert'), 'Your session was ended')
    await page.screenshot({ path: screenshotPath('account-4-signed-in-only-here'), fullPage: true })
    expect(errorsOf(page)).toEqual([])
  }, TEST_MS)
})

describe("the owner's agents page", () => {
  it('edits an agent’s name, e-mail and role, and resets their password', async () => {
    const owner = new AgentClient(srv.url)
    await owner.login(OWNER.email, OWNER.password)
    const created = await owner.request('POST', '/api/agents', { email: 'lee@example.com', name: 'Lee Limited', password: 'lee-password', role: 'limited' })
    expect(created.status).toBe(201)
    const lee = new AgentClient(srv.url)
    await lee.login('lee@example.com', 'lee-password')
    const leeSocket = await lee.socket()
    await leeSocket.waitFor('hello')

    const page = await newPage()
    await signIn(page, OWNER)
    await page.goto(srv.url + '/#/agents')
    const agents = page.locator('parley-agents-page')
    await agents.locator('tr[data-agent="lee@example.com"] [data-action=edit]').click()
    const dialog = agents.locator('dialog[open]')
    await waitForText(dialog.locator('h2'), 'Edit Lee Limited')
    await dialog.locator('input[name=name]').fill('Lee Fuller')
    await dialog.locator('input[name=email]').fill('lee.fuller@example.com')
    await dialog.locator('select[name=role]').selectOption('full')
    await dialog.locator('input[name=password]').fill('qwertyuiop')
    await dialog.locator('button[type=submit]').click()
    await waitForText(dialog.locator('#edit-password-msg'), 'one of the most common passwords')
    await page.screenshot({ path: screenshotPath('agents-edit-1-dialog') })
    expect(await axeViolations(page)).toEqual([])
    await dialog.locator('input[name=password]').fill('lee-has-a-new-one')
    await dialog.locator('button[type=submit]').click()
    await waitForText(agents.locator('.notice'), 'The new password of Lee Fuller is set')
    expect(await agents.locator('dialog[open]').count()).toBe(0)
    await waitForText(agents.locator('tr[data-agent="lee.fuller@example.com"]'), 'Lee Fuller')
    await page.screenshot({ path: screenshotPath('agents-edit-2-saved') })

    // Lee's open dashboard was signed out; the new details hold.
    const closed = await leeSocket.waitClosed(3000)
    expect(closed.code).toBe(4001)
    const again = await new AgentClient(srv.url).login('lee.fuller@example.com', 'lee-has-a-new-one')
    expect(again.status).toBe(200)
    expect(again.body.agent).toMatchObject({ name: 'Lee Fuller', role: 'full' })

    // The owner's audit log shows the edit: who, what (with the fields, never the password), when, from where.
    await agents.locator('[data-action=audit]').click()
    const audit = page.locator('parley-audit-page')
    await waitForText(audit.locator('h1'), 'Audit log')
    const latest = audit.locator('tr[data-entry]').first()
    await waitForText(latest, 'Changed an agent · Lee Fuller')
    await waitForText(latest, 'Fields: email, name, password, role')
    await waitForText(latest, 'Olivia O. Owner')
    await waitForText(latest, '127.0.0.1')
    await waitForText(audit.locator('tr[data-entry]').nth(1), 'Added an agent')
    expect(await audit.textContent()).not.toContain('lee-has-a-new-one')
    await page.screenshot({ path: screenshotPath('audit-log') })
    expect(await axeViolations(page)).toEqual([])
    expect(errorsOf(page)).toEqual([])
  }, TEST_MS)
})

describe("the owner's audit log", () => {
  it('words every change the owner makes to the settings, not only the agents, instead of showing the route', async () => {
    const owner = new AgentClient(srv.url)
    await owner.login(OWNER.email, OWNER.password)
    const changes: [string, string, unknown, string][] = [
      ['PUT', '/api/settings/alerts', { volume: 40 }, 'Changed their desktop notifications and sound'],
      ['PUT', '/api/settings/notifications', { offlineMessage: false }, 'Changed their e-mail notifications'],
      ['PUT', '/api/settings/attention', { waitWarnMinutes: 3 }, 'Changed when waiting conversations turn amber'],
      ['POST', '/api/settings/blocking/ranges', { range: '203.0.113.0/24' }, 'Blocked an IP address or range'],
      ['PUT', '/api/settings/groups', { prechat: false }, 'Changed whether visitors choose a group'],
      ['PUT', '/api/settings/rating', { mode: 'stars' }, 'Changed the rating question'],
      ['PUT', '/api/settings/recordings', { retentionDays: 5 }, 'Changed the session recording settings'],
      ['PUT', '/api/settings/messenger', { graphBaseUrl: 'https://graph.facebook.com', graphVersion: 'v24.0' }, 'Changed the Messenger Graph API settings'],
    ]
    let blocked = ''
    for (const [method, path, body] of changes) {
      const r = await owner.request(method, path, body)
      expect({ path, ok: r.status < 300 }).toEqual({ path, ok: true })
      if (path === '/api/settings/blocking/ranges') blocked = r.body.id
    }
    expect((await owner.request('DELETE', `/api/settings/blocking/ranges/${blocked}`)).status).toBeLessThan(300)

    const page = await newPage()
    await signIn(page, OWNER)
    await page.goto(srv.url + '/#/audit')
    const audit = page.locator('parley-audit-page')
    await waitForText(audit.locator('tr[data-entry]').first(), 'Unblocked an IP address or range')
    for (const [, , , words] of changes) await waitForText(audit.locator('tbody'), words)
    // A route the page has no words for would show as code ("PUT /api/settings/…").
    expect(await audit.locator('tr[data-entry] code').allTextContents()).toEqual([])
    expect(errorsOf(page)).toEqual([])
  }, TEST_MS)
})

describe('the sign-in screen', () => {
  it('says how long to wait after too many wrong passwords, and that an account is deactivated', async () => {
    const page = await newPage()
    await page.goto(srv.url + '/')
    const login = page.locator('parley-login')
    await login.locator('input[name=email]').fill('victim@example.com')
    for (let i = 0; i < 5; i++) {
      await login.locator('input[name=password]').fill(`wrong-guess-${i}`)
      await login.locator('button[type=submit]').click()
      await waitForText(login.locator('.alert'), 'Wrong e-mail or password')
      await login.locator('button[type=submit]:not([disabled])').waitFor()
    }
    await login.locator('input[name=password]').fill('one-more-guess')
    await login.locator('button[type=submit]').click()
    await waitForText(login.locator('.alert'), /Too many failed attempts\. Try again in (1 second|\d+ seconds)\./)
    await page.screenshot({ path: screenshotPath('login-throttled') })
    expect(await axeViolations(page)).toEqual([])

    const owner = new AgentClient(srv.url)
    await owner.login(OWNER.email, OWNER.password)
    const gone = await owner.request('POST', '/api/agents', { email: 'gone@example.com', name: 'Gone', password: 'gone-password-1', role: 'limited' })
    await owner.request('PATCH', `/api/agents/${gone.body.id}`, { active: false })
    await login.locator('input[name=email]').fill('gone@example.com')
    await login.locator('input[name=password]').fill('gone-password-1')
    await login.locator('button[type=submit]').click()
    await waitForText(login.locator('.alert'), 'This account is deactivated.')
  }, TEST_MS)
})
