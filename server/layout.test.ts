// The layout's import rules (DESIGN.md, "Layout"), checked on every test run so they stay true.
// Each rule names the folders it constrains; a violation lists file → import, so the fix is plain.
import { describe, expect, it } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const root = resolve(import.meta.dir, '..')

interface Import {
  from: string
  /** The import as written. */
  spec: string
  /** Repository-relative path of the imported file; null for a package. */
  target: string | null
  typeOnly: boolean
}

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, e.name)
    if (e.isDirectory()) out.push(...sourceFiles(path))
    else if (/\.tsx?$/.test(e.name)) out.push(path)
  }
  return out
}

// Test code: test files, testing/ folders, *.testing.ts, and the database's test preload and helpers.
const isTest = (file: string) =>
  /\.test\.tsx?$/.test(file) || /(^|\/)testing\//.test(file) || /\.testing\.ts$/.test(file) || /^server\/db\/(test-preload|test-cluster|testing)\.ts$/.test(file)

// Static imports and re-exports, `import type` included; dynamic import() of a literal as well.
const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

function importsOf(file: string): Import[] {
  const text = readFileSync(join(root, file), 'utf8')
  const out: Import[] = []
  for (const m of text.matchAll(IMPORT)) {
    const spec = (m[3] ?? m[4])!
    const typeOnly = Boolean(m[2])
    const target = spec.startsWith('.') ? relative(root, resolve(root, dirname(file), spec)) : null
    out.push({ from: file, spec, target, typeOnly })
  }
  return out
}

const production = [...sourceFiles('server'), ...sourceFiles('ui')].filter((f) => !isTest(f))
const all = production.flatMap(importsOf)

const show = (bad: Import[]) => bad.map((i) => `${i.from} → ${i.spec}`)
const under = (path: string | null, ...folders: string[]) => path !== null && folders.some((f) => path === f || path.startsWith(f + '/'))

/** The composition root builds every part, so it may reach any module's internals. */
const COMPOSITION_ROOT = ['server/main.ts', 'server/runtime.ts', 'server/deps.ts', 'server/app.ts']

/** The domain module a file belongs to: server/domain/<module>/… */
const domainModule = (path: string) => /^server\/domain\/([^/]+)\//.exec(path)?.[1] ?? null

describe('the layout', () => {
  it('keeps transport out of the domain: no http, realtime, listeners, jobs, channel or vendor transport imports', () => {
    const bad = all.filter(
      (i) =>
        under(i.from, 'server/domain') &&
        (under(i.target, 'server/http', 'server/realtime', 'server/listeners', 'server/jobs', 'server/channels') ||
          ['elysia', 'imapflow', 'nodemailer', 'mailparser', 'smtp-server'].includes(i.spec)),
    )
    expect(show(bad)).toEqual([])
  })

  it("lets no module read another module's repository: only its own folder imports a *.repo.ts", () => {
    const bad = all.filter((i) => i.target !== null && /\.repo\.ts$/.test(i.target) && dirname(i.target) !== dirname(i.from))
    expect(show(bad)).toEqual([])
  })

  // `*.sql.ts` holds the SQL fragments a module publishes for statements that must join its tables
  // in one round trip (the conversation view inside the append statement); it runs no statement.
  it('keeps domain modules to their public faces: use cases, types, rules, errors and SQL fragments of another module', () => {
    const bad = all.filter((i) => {
      if (i.target === null || !under(i.target, 'server/domain') || COMPOSITION_ROOT.includes(i.from)) return false
      const own = domainModule(i.from)
      const theirs = domainModule(i.target)
      if (theirs === null || theirs === 'shared' || own === theirs) return false
      return !/\.(usecases|types|rules|errors|sql)\.ts$/.test(i.target)
    })
    expect(show(bad)).toEqual([])
  })

  it('lets http know no channel: only the channel port, as a type', () => {
    const bad = all.filter((i) => under(i.from, 'server/http') && under(i.target, 'server/channels') && !(i.typeOnly && i.target === 'server/channels/channel.ts'))
    expect(show(bad)).toEqual([])
  })

  it("keeps each channel to itself: a channel imports no other channel's folder (shared/ is every channel's)", () => {
    const channelOf = (p: string | null) => {
      const name = p === null ? null : (/^server\/channels\/([^/]+)\//.exec(p)?.[1] ?? null)
      return name === 'shared' || name === 'testing' ? null : name
    }
    const bad = all.filter((i) => {
      const mine = channelOf(i.from)
      const theirs = channelOf(i.target)
      return mine !== null && theirs !== null && mine !== theirs
    })
    expect(show(bad)).toEqual([])
  })

  it('keeps shared/ and config.ts at the bottom: they import nothing else of the server', () => {
    const bad = all.filter(
      (i) =>
        (under(i.from, 'server/shared') && i.target !== null && !under(i.target, 'server/shared')) ||
        (i.from === 'server/config.ts' && i.target !== null && !under(i.target, 'server/shared')),
    )
    expect(show(bad)).toEqual([])
  })

  it('keeps test code out of production code: no bun:test, no testing helpers', () => {
    const bad = all.filter((i) => i.spec === 'bun:test' || (i.target !== null && isTest(i.target)))
    expect(show(bad)).toEqual([])
  })

  it('lets the browser bundles take from the server only the wire types (as types) and the card rule', () => {
    // Two exceptions: the wire types, and the card rule that the recorder applies in the browser
    // before the server applies it again (one home for the rule; it imports nothing but a type).
    const bad = all.filter(
      (i) =>
        under(i.from, 'ui') &&
        under(i.target, 'server') &&
        !(i.typeOnly && i.target === 'server/realtime/wire.ts') &&
        !(i.from === 'ui/widget/recorder/recorder.ts' && i.target === 'server/domain/privacy/privacy.rules.ts'),
    )
    expect(show(bad)).toEqual([])
  })

  it('keeps the widget and the dashboard apart: neither imports the other', () => {
    const bad = all.filter(
      (i) => (under(i.from, 'ui/widget') && under(i.target, 'ui/dashboard')) || (under(i.from, 'ui/dashboard') && under(i.target, 'ui/widget')),
    )
    expect(show(bad)).toEqual([])
  })

  it('reads every import it checks (the scan itself works)', () => {
    // A rule that finds nothing because the scan found nothing would pass for the wrong reason.
    expect(production.length).toBeGreaterThan(100)
    expect(all.some((i) => i.from === 'server/app.ts' && i.target === 'server/http/health.ts')).toBe(true)
    expect(all.some((i) => i.from === 'server/deps.ts' && i.target === 'server/config.ts' && i.typeOnly)).toBe(true)
    expect(all.filter((i) => under(i.from, 'server/domain') && i.target !== null).length).toBeGreaterThan(20)
  })
})
