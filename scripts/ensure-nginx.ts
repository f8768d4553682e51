// The cluster test (server/cluster-nginx.test.ts) puts Debian's nginx in front of three Parley
// processes. `npm test` runs this first: as root it installs the package when it is missing (CI
// machines start without it; the test runs its own nginx on loopback ports, so the packaged
// service is stopped if apt started one); otherwise it says what to install.
import { existsSync } from 'node:fs'
import { userInfo } from 'node:os'

if (!['/usr/sbin/nginx', '/usr/local/sbin/nginx'].some((p) => existsSync(p))) {
  if (userInfo().uid !== 0) {
    console.error('nginx is missing: the cluster test needs it. Install it with: sudo apt-get install -y nginx')
    process.exit(1)
  }
  console.log('installing Debian nginx for the cluster test…')
  const run = (cmd: string[]) => {
    const r = Bun.spawnSync(cmd, { stdout: 'inherit', stderr: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    if (r.exitCode !== 0) {
      console.error(`${cmd.join(' ')} failed with exit code ${r.exitCode}; install nginx yourself`)
      process.exit(1)
    }
  }
  run(['apt-get', 'update', '-qq'])
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'nginx'])
  Bun.spawnSync(['sh', '-c', 'command -v service >/dev/null && service nginx stop >/dev/null 2>&1 || true'])
}
