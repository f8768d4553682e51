// Browser tests need Debian's Chromium and its headless shell (the lighter browser most browser
// tests run in, ui/testing/browser.ts). `npm test` runs this first: as root it installs the
// packages when missing (CI machines start without them); otherwise it says what to install.
import { existsSync } from 'node:fs'
import { userInfo } from 'node:os'

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
// CHROMIUM_PATH names the one browser every test uses; else both are needed.
const missing = !existsSync(path) || (!process.env.CHROMIUM_PATH && !existsSync('/usr/lib/chromium/chromium-headless-shell'))
if (missing) {
  if (userInfo().uid !== 0) {
    console.error(`Chromium is missing. Install it (sudo apt-get install -y chromium chromium-headless-shell) or set CHROMIUM_PATH.`)
    process.exit(1)
  }
  console.log('installing Debian chromium and chromium-headless-shell for the browser tests…')
  const run = (cmd: string[]) => {
    const r = Bun.spawnSync(cmd, { stdout: 'inherit', stderr: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    if (r.exitCode !== 0) {
      console.error(`${cmd.join(' ')} failed with exit code ${r.exitCode}`)
      process.exit(1)
    }
  }
  run(['apt-get', 'update', '-qq'])
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium', 'chromium-headless-shell', 'fonts-dejavu-core'])
}
