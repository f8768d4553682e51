// Helpers for the widget's browser tests: the demo page in a fresh browser context, and what
// the visitor's screen shows. Only tests import this.
import type { Browser, BrowserContext, Page } from 'playwright-core'

export interface DemoPage {
  context: BrowserContext
  page: Page
  /** Uncaught errors and console errors on the page; a test ends by expecting none. */
  errors: string[]
}

export async function openDemo(
  browser: Browser,
  server: string,
  opts: { viewport?: { width: number; height: number }; locale?: string; init?: string; path?: string; beforeLoad?: (page: Page) => void } = {},
): Promise<DemoPage> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 800 }, locale: opts.locale ?? 'en-US' })
  if (opts.init) await context.addInitScript(opts.init)
  const page = await context.newPage()
  const errors: string[] = []
  watch(page, errors)
  opts.beforeLoad?.(page)
  await page.goto(server + (opts.path ?? '/demo'))
  await page.locator('parley-chat .launcher').waitFor({ timeout: 10_000 })
  return { context, page, errors }
}

/** Records uncaught exceptions and console errors, except the browser's own network noise while a test cuts the server off. */
export function watch(page: Page, errors: string[]): void {
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && !/ERR_CONNECTION_REFUSED|WebSocket connection|Failed to load resource|Failed to fetch/i.test(m.text())) {
      errors.push(`console: ${m.text()}`)
    }
  })
}

/**
 * Waits until the widget's animations and transitions (in every nested shadow root) have finished.
 * A transition that is cancelled (its element re-rendered, or a new one replacing it) rejects its
 * `finished` with an AbortError: that one is over too, and whatever replaced it is waited for in
 * the next round.
 */
export async function settled(page: Page): Promise<void> {
  await page.locator('parley-chat').evaluate(async (host) => {
    const running = () => {
      const all: Animation[] = []
      const walk = (root: ShadowRoot) => {
        all.push(...root.getAnimations())
        for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot)
      }
      if (host.shadowRoot) walk(host.shadowRoot)
      return all.filter((a) => a.playState === 'running' && a.effect?.getTiming().iterations !== Infinity)
    }
    for (let round = 0; round < 5; round++) {
      const now = running()
      if (now.length === 0) return
      await Promise.all(now.map((a) => a.finished.catch(() => undefined)))
    }
  })
}

/** The element that has focus, looking through shadow roots. */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let a: Element | null = document.activeElement
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement
    return a ? `${a.tagName.toLowerCase()}${a.className ? '.' + String(a.className).trim().split(/\s+/).join('.') : ''}` : ''
  })
}

export const bubbles = (page: Page, who: 'visitor' | 'agent') => page.locator(`parley-chat .row.${who} .bubble`)

/** Polls `fn` until it returns a truthy value; fails after `ms`. */
export async function until<T>(fn: () => Promise<T>, what: string, ms = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms
  let last: T | undefined
  while (Date.now() < deadline) {
    last = await fn()
    if (last) return last as NonNullable<T>
    await Bun.sleep(100)
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${JSON.stringify(last)})`)
}
