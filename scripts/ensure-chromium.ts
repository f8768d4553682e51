// Browser tests need Debian's Chromium. `npm test` runs this first: as root it installs the
// package when missing (CI machines start without it); otherwise it says what to install.
import { existsSync } from 'node:fs'
import { userInfo } from 'node:os'

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(path)) {
  if (userInfo().uid !== 0) {
    console.error(`Chromium is missing at ${path}. Install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH.`)
    process.exit(1)
  }
  console.log('installing Debian chromium for the browser tests…')
  const run = (cmd: string[]) => {
    const r = Bun.spawnSync(cmd, { stdout: 'inherit', stderr: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    if (r.exitCode !== 0) {
      console.error(`${cmd.join(' ')} failed with exit code ${r.exitCode}`)
      process.exit(1)
    }
  }
  run(['apt-get', 'update', '-qq'])
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-dejavu-core'])
}
