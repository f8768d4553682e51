// Builds the Dockerfile without a Docker daemon: Debian's buildah (chroot isolation, overlayfs or
// vfs storage, the host's network), so CI and this machine build the very image an admin gets.
//   bun scripts/container-build.ts [--tag parley:latest]
// As root it installs what it needs with apt (buildah, podman and runc to run the image,
// debootstrap), like scripts/ensure-dovecot.ts. When the base images of the Dockerfile cannot be
// pulled (no registry reachable, as here), it makes local ones once from Debian's packages:
// bookworm (debootstrap, minbase) for debian:bookworm-slim, and that plus this machine's Node.js
// 20 and npm (and the CA bundle it trusts) for node:20-bookworm-slim; the Dockerfile takes them
// as build arguments.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { userInfo, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dir, '..')
const ok = (cmd: string[]) => Bun.spawnSync(cmd, { stdout: 'ignore', stderr: 'ignore' }).exitCode === 0
const asRoot = userInfo().uid === 0

/** Where the project's images live as root: a storage of their own, so the test's prune touches no one else's images. */
const OWN_ROOT = '/var/lib/containers/parley'
const OWN_RUNROOT = '/run/containers/parley'
/** The default storage, where this script kept its images in vfs before (the base images are copied from there once). */
const OLD_ROOT = '/var/lib/containers/storage'

/**
 * Whether the kernel mounts overlayfs here (as root, on a file system overlayfs can sit on: not
 * inside another overlay, as in some containers). A trial mount beside the storage says.
 */
function overlayWorks(): boolean {
  // On the file system the storage will be on: overlayfs needs its upper layer's support.
  mkdirSync(dirname(OWN_ROOT), { recursive: true })
  const dir = mkdtempSync(join(dirname(OWN_ROOT), 'parley-overlay-probe-'))
  try {
    for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(dir, d))
    const opts = `lowerdir=${dir}/lower,upperdir=${dir}/upper,workdir=${dir}/work`
    if (!ok(['mount', '-t', 'overlay', 'overlay', '-o', opts, join(dir, 'merged')])) return false
    ok(['umount', join(dir, 'merged')])
    return true
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * The storage flags for every buildah and podman call. overlayfs where the kernel has it: a step
 * or a container is then a mount over the layers below it, not a copy of the whole root folder
 * (vfs copies the ~1 GB build stage for every step and deletes it after, and copies the 435 MB
 * image for each container run). vfs otherwise: no overlay or fuse needed. As root, in a storage
 * of the project's own; as another user, in that user's default storage.
 */
export const STORAGE: string[] =
  !asRoot ? ['--storage-driver', 'vfs']
  : overlayWorks() ? ['--root', OWN_ROOT, '--runroot', OWN_RUNROOT, '--storage-driver', 'overlay']
  : ['--root', `${OWN_ROOT}-vfs`, '--runroot', `${OWN_RUNROOT}-vfs`, '--storage-driver', 'vfs']
const LOCAL_DEBIAN = 'localhost/parley-base/debian:bookworm-slim'
const LOCAL_NODE = 'localhost/parley-base/node:20-bookworm-slim'
/** The install stage (npm ci) under a tag of its own, so pruning what builds leave keeps it for the next build. */
const INSTALL_CACHE = 'localhost/parley-build-cache:install'

function run(cmd: string[], opts: { quiet?: boolean; stdin?: Uint8Array; show?: boolean } = {}): string {
  const r = Bun.spawnSync(cmd, {
    stdin: opts.stdin ?? 'ignore',
    stdout: opts.show ? 'inherit' : 'pipe',
    stderr: opts.quiet ? 'pipe' : 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  if (r.exitCode !== 0) throw new Error(`${cmd.join(' ')} failed with exit code ${r.exitCode}${opts.quiet ? `: ${(r.stderr?.toString() ?? "").slice(-2000)}` : ''}`)
  return r.stdout?.toString() ?? ''
}

export function ensureTools(): void {
  const missing = [
    ['buildah', '/usr/bin/buildah'],
    ['podman', '/usr/bin/podman'],
    ['runc', '/usr/sbin/runc'],
    ['debootstrap', '/usr/sbin/debootstrap'],
  ].filter(([, path]) => !existsSync(path!))
  if (missing.length === 0) return
  const names = missing.map(([name]) => name!)
  if (!asRoot) throw new Error(`missing ${names.join(', ')}: install them with sudo apt-get install -y ${names.join(' ')}`)
  console.log(`installing Debian ${names.join(', ')} for the container build…`)
  run(['apt-get', 'update', '-qq'])
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...names])
}

const hasImage = (name: string) => ok(['buildah', ...STORAGE, 'inspect', '--type', 'image', name])

/**
 * A base image an earlier version of this script made in the default vfs storage, copied into
 * this one (seconds, where making it again takes minutes); false when there is none to copy.
 */
function copiedFromOldStorage(name: string): boolean {
  if (!asRoot || !existsSync(join(OLD_ROOT, 'vfs'))) return false
  return ok(['podman', ...STORAGE, 'pull', '--quiet', `containers-storage:[vfs@${OLD_ROOT}+/run/containers/storage]${name}`])
}

/** The image itself when a registry has it, else the local copy (made once). */
function baseImages(): { node: string; runtime: string } {
  const pulled = (name: string) => hasImage(name) || ok(['timeout', '60', 'buildah', ...STORAGE, 'pull', '--quiet', name])
  if (pulled('docker.io/library/debian:bookworm-slim') && pulled('docker.io/library/node:20-bookworm-slim')) {
    return { node: 'docker.io/library/node:20-bookworm-slim', runtime: 'docker.io/library/debian:bookworm-slim' }
  }
  if (!hasImage(LOCAL_DEBIAN) && !copiedFromOldStorage(LOCAL_DEBIAN)) {
    console.log('no registry: making a local bookworm base image from Debian packages (once)…')
    const dir = mkdtempSync(join(tmpdir(), 'parley-rootfs-'))
    try {
      run(['debootstrap', '--variant=minbase', 'bookworm', dir, 'http://deb.debian.org/debian'], { quiet: true })
      // The temp folder is 0700 and becomes the image's `/`: the image's non-root user must enter it.
      chmodSync(dir, 0o755)
      // As in the official slim image: no package lists or caches left in the layer.
      run(['sh', '-c', `rm -rf ${dir}/var/lib/apt/lists/* ${dir}/var/cache/apt/*.bin ${dir}/var/cache/apt/archives/*.deb`])
      const tar = Bun.spawnSync(['tar', '-C', dir, '-c', '.'], { stdout: 'pipe', stderr: 'inherit' })
      if (tar.exitCode !== 0) throw new Error('tar of the base root failed')
      run(['podman', ...STORAGE, 'import', '--quiet', '-', LOCAL_DEBIAN], { stdin: tar.stdout, quiet: true })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  if (!hasImage(LOCAL_NODE) && !copiedFromOldStorage(LOCAL_NODE)) {
    const node = Bun.which('node')
    const npm = ['/usr/lib/node_modules/npm', '/usr/local/lib/node_modules/npm'].find((p) => existsSync(p))
    const version = node ? run([node, '--version'], { quiet: true }).trim() : ''
    if (!node || !npm || !version.startsWith('v20.')) throw new Error('a local node:20 base needs Node.js 20 and npm on this machine')
    console.log(`making a local node:20 base image with this machine's Node.js ${version} (once)…`)
    const c = run(['buildah', ...STORAGE, 'from', '--quiet', LOCAL_DEBIAN], { quiet: true }).trim()
    try {
      run(['buildah', ...STORAGE, 'copy', '--quiet', c, node, '/usr/local/bin/node'], { quiet: true })
      run(['buildah', ...STORAGE, 'copy', '--quiet', c, npm, '/usr/local/lib/node_modules/npm'], { quiet: true })
      run(['buildah', ...STORAGE, 'run', '--isolation', 'chroot', c, '--', 'sh', '-c',
        'ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx && node --version && npm --version'], { quiet: true })
      // This machine reaches the npm registry through a proxy whose CA only the host trusts.
      const ca = process.env.NODE_EXTRA_CA_CERTS
      if (ca && existsSync(ca)) {
        run(['buildah', ...STORAGE, 'copy', '--quiet', c, ca, '/usr/local/share/parley-host-ca.crt'], { quiet: true })
        run(['buildah', ...STORAGE, 'config', '--env', 'NODE_EXTRA_CA_CERTS=/usr/local/share/parley-host-ca.crt', c], { quiet: true })
      }
      run(['buildah', ...STORAGE, 'commit', '--quiet', c, LOCAL_NODE], { quiet: true })
    } finally {
      Bun.spawnSync(['buildah', ...STORAGE, 'rm', c], { stdout: 'ignore', stderr: 'ignore' })
    }
  }
  return { node: LOCAL_NODE, runtime: LOCAL_DEBIAN }
}

/** Builds the Dockerfile into `tag`; returns the image id. */
export function buildImage(tag = 'parley:latest'): string {
  ensureTools()
  const base = baseImages()
  console.log(`building ${tag} with buildah (from ${base.node} and ${base.runtime})…`)
  const build = (args: string[]) => run([
    'buildah', ...STORAGE, 'build',
    '--isolation', 'chroot',
    // chroot isolation has no network namespace of its own: the steps use the host's (npm ci, apt).
    '--network', 'host',
    '--layers',
    // A failed step leaves no working containers behind (vfs copies are whole root folders).
    '--force-rm',
    // Docker's image format: OCI's has no HEALTHCHECK (buildah would drop it with a warning).
    '--format', 'docker',
    '--build-arg', `NODE_IMAGE=${base.node}`,
    '--build-arg', `RUNTIME_IMAGE=${base.runtime}`,
    ...args,
    '--file', join(ROOT, 'Dockerfile'),
    ROOT,
  ], { show: true })
  build(['--target', 'install', '--tag', INSTALL_CACHE])
  build(['--tag', tag])
  return run(['buildah', ...STORAGE, 'inspect', '--type', 'image', '--format', '{{.FromImageID}}', tag], { quiet: true }).trim()
}

/**
 * Removes the images no tag holds: earlier builds of a tag and each build's build stage (about
 * 1.4 GB a build with vfs, which copies the whole root for every layer). What the next build
 * reuses stays: the base images, the npm ci stage (INSTALL_CACHE) and the runtime's steps below
 * the copy of the release (parents of the tagged image). Every dangling image of this storage
 * goes (as root, the project's own storage), so only the tests call it, not an admin's build.
 */
export function pruneBuilds(): void {
  run(['podman', ...STORAGE, 'image', 'prune', '--force'], { quiet: true })
}

if (import.meta.main) {
  const i = process.argv.indexOf('--tag')
  const tag = i > 0 ? process.argv[i + 1]! : 'parley:latest'
  try {
    const id = buildImage(tag)
    console.log(`${tag} ${id.slice(0, 12)}`)
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e))
    process.exit(1)
  }
}
