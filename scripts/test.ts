// The test runner behind `npm test`: every test file in its own `bun test` process, TEST_JOBS of
// them at a time (default 2), of which at most TEST_BROWSERS (default 1) drive a browser, all on
// one embedded PostgreSQL cluster started here (each file still clones its own database from the
// migrated template). A browser file keeps both cores busy (Chromium and a Parley); two at once
// only slowed each other (22.7 min for the suite with 3/2, 19.4 with 2/2). Server files mostly
// wait on timers, sockets and child processes, so they run beside the browser file.
//
//   bun scripts/test.ts                      all test files
//   bun scripts/test.ts server/http ui/x.ts  the files under these paths
//
// A passing file prints one line (its time and counts); a failing file prints its whole output,
// and the failures are listed again at the end. Exit status 1 when any file failed.
import { Glob } from 'bun'
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { startTestCluster } from '../server/db/test-cluster.ts'

const FILE_TIMEOUT_MS = 15 * 60_000
const jobs = Math.max(1, Number(process.env.TEST_JOBS) || 2)
/** Browser files at once: each drives a Chromium and a Parley, which fill two cores between them. */
const browsers = Math.min(jobs, Math.max(1, Number(process.env.TEST_BROWSERS) || 1))
const filters = process.argv.slice(2).map((p) => p.replace(/^\.\//, ''))

const all = [...new Glob('{server,ui,scripts}/**/*.test.ts').scanSync('.')].sort()
const files = all.filter((f) => filters.length === 0 || filters.some((p) => f === p || f.startsWith(p.endsWith('/') ? p : `${p}/`)))
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`)
  process.exit(1)
}

// Longest first, so the short ones fill the gaps at the end: the browser tests are the long ones,
// and within a kind a bigger file has more to do. At most `browsers` browser files run at once;
// the other slots take server files, which mostly wait on timers, sockets and processes.
const isBrowser = (f: string) => /launchBrowser|new Pages\(/.test(readFileSync(f, 'utf8'))
const weight = (f: string) => statSync(f).size * (isBrowser(f) ? 4 : 1)
const heavy = files.filter(isBrowser).sort((a, b) => weight(b) - weight(a))
const light = files.filter((f) => !isBrowser(f)).sort((a, b) => weight(b) - weight(a))
let browsersRunning = 0

interface Result {
  file: string
  ok: boolean
  pass: number
  fail: number
  seconds: number
  /** User and system CPU of the file's process and the children it waited for (not PostgreSQL's). */
  cpu: number
}

/** sh's `times`, whose second line is its children's, e.g. `0m29.16s 0m15.95s`: user plus system, in seconds. */
function cpuSeconds(text: string): number {
  const m = /^@@cpu\n.*\n(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/m.exec(text)
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) : 0
}

const started = performance.now()
const cluster = await startTestCluster()
const env = { ...process.env, ...cluster.env }
const results: Result[] = []
/** Each file's process leads its own process group: stopping it stops what it started (servers, their PostgreSQL). */
const running = new Set<ChildProcess>()
let interrupted = false
const killGroup = (proc: ChildProcess) => {
  try {
    process.kill(-proc.pid!, 'SIGKILL')
  } catch {}
}

// Interrupted (Ctrl-C, CI's timeout): the files' processes go, and so does the run's cluster.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    interrupted = true
    for (const proc of running) killGroup(proc)
    await cluster.stop().catch(() => {})
    console.log(`\ninterrupted (${signal})`)
    process.exit(signal === 'SIGINT' ? 130 : 143)
  })
}

async function runFile(file: string): Promise<Result> {
  const t0 = performance.now()
  // Through sh for its `times`: the CPU the file used (its own and its children's, Chromium's
  // included) is printed beside its time, since the suite is bound by CPU, not by waiting.
  const script = '"$0" test --timeout=60000 "$1"; rc=$?; echo @@cpu >&2; times >&2; exit $rc'
  const proc = spawn('/bin/sh', ['-c', script, process.execPath, `./${file}`], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  running.add(proc)
  let text = ''
  proc.stdout!.on('data', (d: Buffer) => (text += d.toString()))
  proc.stderr!.on('data', (d: Buffer) => (text += d.toString()))
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    killGroup(proc)
  }, FILE_TIMEOUT_MS)
  const code = await new Promise<number | null>((done) => proc.on('close', (c) => done(c)))
  clearTimeout(timer)
  running.delete(proc)
  // What the file started and left behind (a server it did not stop) goes with it.
  killGroup(proc)
  const count = (word: string) => Number(text.match(new RegExp(`^\\s*(\\d+) ${word}$`, 'm'))?.[1] ?? 0)
  const cpu = cpuSeconds(text)
  text = text.replace(/^@@cpu\n.*\n.*\n?/m, '')
  const r = { file, ok: code === 0, pass: count('pass'), fail: count('fail'), seconds: (performance.now() - t0) / 1000, cpu }
  if (interrupted) return r
  const line = `${r.ok ? '✓' : '✗'} ${file}  ${r.pass} pass${r.fail ? `, ${r.fail} fail` : ''}  ${r.seconds.toFixed(1)} s, ${cpu.toFixed(1)} s CPU`
  if (r.ok) console.log(line)
  else {
    console.log(`\n${'─'.repeat(100)}\n${text.trimEnd()}`)
    if (timedOut) console.log(`killed after ${FILE_TIMEOUT_MS / 60_000} min`)
    console.log(`${line}\n${'─'.repeat(100)}\n`)
  }
  return r
}

/** The next file for a free slot: a browser file while fewer than `browsers` run, else a server file. */
function next(): { file: string; browser: boolean } | null {
  if (heavy.length && (browsersRunning < browsers || light.length === 0)) return { file: heavy.shift()!, browser: true }
  if (light.length) return { file: light.shift()!, browser: false }
  return null
}

async function worker(): Promise<void> {
  for (let n = next(); n; n = next()) {
    if (n.browser) browsersRunning++
    try {
      results.push(await runFile(n.file))
    } finally {
      if (n.browser) browsersRunning--
    }
  }
}

await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, worker))
// Interrupted: the signal's handler stops the cluster and exits.
if (interrupted) await new Promise(() => {})
await cluster.stop()

const failed = results.filter((r) => !r.ok)
const sum = (k: 'pass' | 'fail') => results.reduce((n, r) => n + r[k], 0)
const minutes = (performance.now() - started) / 60_000
const cpuMinutes = results.reduce((n, r) => n + r.cpu, 0) / 60
console.log(`\n${sum('pass')} pass, ${sum('fail')} fail in ${results.length} files, ${jobs} at a time (${browsers} with a browser), ${minutes.toFixed(1)} min (the files' CPU: ${cpuMinutes.toFixed(1)} min)`)
console.log(`slowest: ${[...results].sort((a, b) => b.seconds - a.seconds).slice(0, 5).map((r) => `${r.file} ${r.seconds.toFixed(0)} s`).join(', ')}`)
if (failed.length) {
  console.log(`failed files:\n${failed.map((r) => `  ${r.file}`).join('\n')}`)
  process.exit(1)
}
