// Debian's Chromium driven by playwright-core (no browser downloads here). Screenshots go to
// test-artifacts/screenshots/ so a person can open them and look.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'

import { UI_DIR } from '../../server/http/static.ts'

/** The full browser, as a person runs it (Chromium's new headless mode). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/**
 * Chromium's headless shell (Debian's chromium-headless-shell): the same Blink and V8 without the
 * full browser around them. The browser tests took about 40% less CPU with it, and the suite is
 * bound by CPU. It denies notification permission for good (a person's browser asks), so tests of
 * that prompt and of Web Push ask for the full browser.
 */
export const HEADLESS_SHELL = '/usr/lib/chromium/chromium-headless-shell'
export const SCREENSHOTS = resolve(import.meta.dir, '../../test-artifacts/screenshots')

/** The browser for a test: the headless shell unless `full` (or CHROMIUM_PATH names one browser for all). */
export async function launchBrowser(opts: { full?: boolean } = {}): Promise<Browser> {
  const shell = !opts.full && !process.env.CHROMIUM_PATH && existsSync(HEADLESS_SHELL)
  return chromium.launch({
    executablePath: shell ? HEADLESS_SHELL : CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true })
  return join(SCREENSHOTS, `${name}.png`)
}

/** A page that collects the uncaught errors its scripts throw, so a test can assert there were none. */
export type WatchedPage = Page & { errors: string[] }

/**
 * Pages of a test file, each in a fresh browser context (its own cookies, like another person's
 * browser), with one bounded default wait; close() closes them all.
 */
export class Pages {
  private contexts: BrowserContext[] = []

  constructor(
    private browser: () => Browser,
    private timeoutMs = 8000,
  ) {}

  async open(width = 1280, height = 800): Promise<WatchedPage> {
    const context = await this.browser().newContext({ viewport: { width, height } })
    this.contexts.push(context)
    const page = (await context.newPage()) as WatchedPage
    page.setDefaultTimeout(this.timeoutMs)
    page.errors = []
    page.on('pageerror', (e) => page.errors.push(String(e)))
    return page
  }

  async close(): Promise<void> {
    for (const c of this.contexts.splice(0)) await c.close().catch(() => {})
  }
}

/** Signs in on the dashboard's login form and waits for the conversation list. */
export async function signIn(page: Page, base: string, who: { email: string; password: string }): Promise<void> {
  await page.goto(base + '/')
  await page.locator('parley-login input[name=email]').fill(who.email)
  await page.locator('parley-login input[name=password]').fill(who.password)
  await page.locator('parley-login button[type=submit]').click()
  await page.locator('parley-conversation-list').waitFor()
}

/** Browser tests load the built dashboard: stop at once, saying so, when it was not built. */
export function requireDashboardBundle(): void {
  if (!existsSync(join(UI_DIR, 'dashboard.js'))) throw new Error('no dashboard bundle: run bun scripts/build-ui.ts first')
}
