// The e-mail tests run a real IMAP server: Debian's Dovecot (dovecot-imapd). `npm test` runs this
// first: as root it installs the package when it is missing (CI machines start without it; apt
// does not start the service here, the tests run their own instance); otherwise it says what to
// install.
import { existsSync } from 'node:fs'
import { userInfo } from 'node:os'

const binary = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => existsSync(p))
const imapd = ['/usr/lib/dovecot/imap', '/usr/libexec/dovecot/imap'].some((p) => existsSync(p))
if (!binary || !imapd) {
  if (userInfo().uid !== 0) {
    console.error('Dovecot with IMAP is missing: the e-mail tests need it. Install it with: sudo apt-get install -y dovecot-imapd')
    process.exit(1)
  }
  console.log('installing Debian dovecot-imapd for the e-mail tests…')
  const run = (cmd: string[]) => {
    const r = Bun.spawnSync(cmd, { stdout: 'inherit', stderr: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    if (r.exitCode !== 0) {
      console.error(`${cmd.join(' ')} failed with exit code ${r.exitCode}; install dovecot-imapd yourself`)
      process.exit(1)
    }
  }
  run(['apt-get', 'update', '-qq'])
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'dovecot-imapd'])
  // apt may start the packaged service; the tests need nothing of it.
  Bun.spawnSync(['sh', '-c', 'command -v service >/dev/null && service dovecot stop >/dev/null 2>&1 || true'])
}
