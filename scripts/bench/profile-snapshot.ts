// Profiles the recorder's full snapshot of the heavy page (heavy-page.ts) in Chromium: how long
// rrweb's record() takes (the snapshot is that one synchronous call, most of the recorder's
// blocking time) and every long task from the recorder's start on, load by load. With --a=OTHER
// the recorder of another checkout (OTHER/ui/widget/recorder/recorder.ts, built with OTHER's own
// scripts/build-ui.ts plugin) takes turns with this one, to A/B a change; --profile adds Chromium's
// CPU profile of the snapshot, by function and by line of the recorder's unminified bundle.
//   bun scripts/bench/profile-snapshot.ts [--loads=5] [--a=/path/to/other/checkout] [--profile]
import { join } from 'node:path'
import type { CDPSession } from 'playwright-core'
import { LOAD_CPUS, ROOT, SERVER_CPUS, cleanupAll, median, option, pinPid, startCluster } from './lib.ts'
import { startParley } from './servers.ts'
import { HEAVY } from './heavy-page.ts'
import { launchBrowser } from '../../ui/testing/browser.ts'
import { browserBuild } from '../build-ui.ts'

const loads = Number(option('loads') ?? '5')
const other = option('a')
const profile = process.argv.includes('--profile')
const WATCH_MS = 7_000

const LONG_TASKS = `window.__longTasks = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push([Math.round(e.startTime), Math.round(e.duration)]) }).observe({ type: 'longtask', buffered: true })`

/** A checkout's recorder, unminified (readable names in a profile), timing rrweb's record() call. */
async function recorderOf(root: string): Promise<string> {
  const entry = join(root, 'ui/widget/recorder/recorder.ts')
  const theirs = await import(join(root, 'scripts/build-ui.ts'))
  // A checkout from before browserBuild (8f10047 and older): this one's way, with its own plugin.
  const config: Bun.BuildConfig = theirs.browserBuild
    ? theirs.browserBuild(entry, { minify: false })
    : { ...browserBuild(entry, { minify: false, patches: false }), plugins: [theirs.RRWEB_RECORD_PLUGIN ?? theirs.RRWEB_ELEMENT_CHECK] }
  const out = await Bun.build(config)
  if (!out.success) throw new Error(`${root}: ${out.logs.join('\n')}`)
  let code = await out.outputs[0]!.text()
  for (const [find, replace] of <[string, string][]>[
    ['stopRecord = record({', 'window.__recordAt = performance.now();\n  stopRecord = record({'],
    ['const timer = setInterval(', 'window.__recordMs = performance.now() - window.__recordAt;\n  const timer = setInterval('],
  ]) {
    if (code.split(find).length !== 2) throw new Error(`${root}: the recorder's text "${find}" is not there once; this script needs a look`)
    code = code.replace(find, replace)
  }
  return code
}

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[]; positionTicks?: { line: number; ticks: number }[] }[]
  samples: number[]
}

/** Samples under rrweb's takeFullSnapshot, by function (self) and by line of the recorder. */
function snapshotProfile(p: Profile, byFunction: Map<string, number>, byLine: Map<number, number>): void {
  const node = new Map(p.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const inSnapshot = (id: number) => {
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) if (node.get(x)!.callFrame.functionName === 'takeFullSnapshot') return true
    return false
  }
  for (const id of p.samples) {
    if (!inSnapshot(id)) continue
    const name = node.get(id)!.callFrame.functionName || '(anonymous)'
    byFunction.set(name, (byFunction.get(name) ?? 0) + 1)
  }
  for (const n of p.nodes) {
    if (!n.callFrame.url.includes('parley-recorder') || !inSnapshot(n.id)) continue
    for (const t of n.positionTicks ?? []) byLine.set(t.line, (byLine.get(t.line) ?? 0) + t.ticks)
  }
}

pinPid(process.pid, LOAD_CPUS)
try {
  const recorders: Record<string, string> = { this: await recorderOf(ROOT) }
  if (other) recorders.other = await recorderOf(other)
  const cluster = await startCluster('profile-snapshot')
  cluster.pin(SERVER_CPUS)
  const parley = await startParley({ DATABASE_URL: await cluster.createDatabase('parley_snapshot') })
  const browser = await launchBrowser({ full: true })
  const results: Record<string, { recordMs: number[]; blocking: number[] }> = {}
  const byFunction = new Map<string, number>()
  const byLine = new Map<number, number>()
  for (let i = 0; i < loads; i++) {
    for (const [name, code] of Object.entries(recorders)) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      await context.addInitScript(LONG_TASKS)
      await context.addInitScript(HEAVY)
      await context.route(/\/assets\/parley-recorder[^/]*\.js$/, (r) => r.fulfill({ contentType: 'text/javascript', body: code }))
      const page = await context.newPage()
      let cdp: CDPSession | null = null
      if (profile && name === 'this') {
        cdp = await context.newCDPSession(page)
        await cdp.send('Profiler.enable')
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
        await cdp.send('Profiler.start')
      }
      await page.goto(parley.url + '/demo')
      await page.waitForFunction(() => (window as unknown as { __recordMs?: number }).__recordMs !== undefined, null, { timeout: 30_000 })
      await page.waitForTimeout(WATCH_MS)
      if (cdp) snapshotProfile(((await cdp.send('Profiler.stop')) as { profile: Profile }).profile, byFunction, byLine)
      const seen = await page.evaluate(() => {
        const w = window as unknown as { __recordMs: number; __recordAt: number; __longTasks: [number, number][] }
        return { recordMs: w.__recordMs, at: w.__recordAt, tasks: w.__longTasks }
      })
      // The tasks from the one that holds record() on: the snapshot, the first chunk's compression.
      const tasks = seen.tasks.filter(([start, duration]) => start + duration >= seen.at)
      const r = (results[name] ??= { recordMs: [], blocking: [] })
      r.recordMs.push(Math.round(seen.recordMs))
      r.blocking.push(tasks.reduce((sum, [, d]) => sum + Math.max(0, d - 50), 0))
      console.log(`${name.padEnd(5)} load ${i + 1}: record() ${Math.round(seen.recordMs)} ms; long tasks from then on ${JSON.stringify(tasks.map(([, d]) => d))} ms`)
      await context.close()
    }
  }
  console.log('\n| recorder | record() ms, median | blocking time from record() on, median (ms) | loads |\n| --- | --- | --- | --- |')
  for (const [name, r] of Object.entries(results)) {
    console.log(`| ${name === 'this' ? 'this checkout' : other} | ${median(r.recordMs)} (${r.recordMs.join(' / ')}) | ${median(r.blocking)} (${r.blocking.join(' / ')}) | ${r.recordMs.length} |`)
  }
  if (profile) {
    const total = [...byFunction.values()].reduce((a, b) => a + b, 0)
    console.log(`\nrrweb's takeFullSnapshot, ${total} samples (self, by function):`)
    for (const [f, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${((100 * n) / total).toFixed(1).padStart(6)} %  ${f}`)
    const lines = recorders.this!.split('\n')
    console.log('\nby line of the recorder (ticks, line, text):')
    for (const [line, n] of [...byLine].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${String(n).padStart(6)}  ${String(line).padStart(5)}  ${lines[line - 1]?.trim().slice(0, 110)}`)
  }
  await browser.close()
} finally {
  await cleanupAll()
}
