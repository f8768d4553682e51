// Debian's Chromium driven by playwright-core (no browser downloads here). Screenshots go to
// test-artifacts/screenshots/ so a person can open them and look.
import { chromium, type Browser } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SCREENSHOTS = resolve(import.meta.dir, '../../test-artifacts/screenshots')

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
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
