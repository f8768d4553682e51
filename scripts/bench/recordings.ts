// Session recordings: what they cost in storage, in the visitor's page and on the server.
//   bun scripts/bench/recordings.ts [--quick] [--profile] [--save-bodies=DIR | --bodies=DIR] [--rounds=N] [--pg-cpu=N]
// 1. Stored kB per recorded minute: Chromium browses /demo and its product pages (page loads,
//    single-page-app navigations, scrolling, a form, the chat) for a while; the rows are summed.
//    Target ≤ 100 kB/min (Datadog documents < 100 kB/min).
// 2. Main-thread cost: total blocking time (long tasks' time past 50 ms) of the same scripted
//    visit with the recorder and without it (the owner's switch), on /demo and on a heavy page
//    (/demo with 1,000 extra rows, about 9,000 nodes, and 50 text mutations every 100 ms). Targets +50 ms and +150 ms.
// 3. Ingest: the visit's own chunks posted again and again, 8 in flight, to Parley and to a raw
//    Bun.serve endpoint that writes the same bytes to PostgreSQL without checking them; MB of
//    chunks accepted per server CPU-second (the app process; PostgreSQL shown apart). Target ≥ 0.8×.
// --profile runs Parley under Bun's sampling CPU profiler, skips step 2 and prints the profile's
// head after the ingest (where a chunk's time goes). --save-bodies=DIR keeps the visit's chunks;
// --bodies=DIR runs only step 3 with chunks kept before (A/B of the ingest in a minute);
// --rounds=N repeats step 3 N times, by turns, and shows the median.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { BUN, DB_CPUS, LOAD_CPUS, ROOT, SERVER_CPUS, cleanupAll, cpuSeconds, fmt, fmtRatio, freePort, log, median, option, pinPid, pinned, spawnChild, startCluster } from './lib.ts'
import { OWNER, startParley } from './servers.ts'
import { HEAVY } from './heavy-page.ts'
import { launchBrowser } from '../../ui/testing/browser.ts'

const quick = process.argv.includes('--quick')
const VISIT_S = quick ? 20 : 60
const TBT_S = quick ? 8 : 15
const TBT_RUNS = quick ? 1 : 3
const INGEST_S = quick ? 4 : 8
const IN_FLIGHT = 8
const profile = process.argv.includes('--profile')
const saveBodies = option('save-bodies')
const bodiesFrom = option('bodies')
const ROUNDS = Number(option('rounds') ?? 1)

const TBT_PROBE = `window.__tbt = 0; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__tbt += Math.max(0, e.duration - 50) }).observe({ type: 'longtask', buffered: true })`

/** A person on the shop: moves, scrolls, reads product pages, picks sizes, types, chats. */
async function browse(page: Page, base: string, seconds: number): Promise<void> {
  const end = Date.now() + seconds * 1000
  const products = ['boots', 'socks', 'shell']
  let i = 0
  await page.goto(base + '/demo')
  while (Date.now() < end) {
    for (let k = 0; k < 10; k++) await page.mouse.move(100 + ((k * 97 + i * 31) % 900), 120 + ((k * 53) % 500), { steps: 4 })
    await page.mouse.wheel(0, 400)
    await page.waitForTimeout(400)
    await page.mouse.wheel(0, -400)
    const slug = products[i++ % products.length]!
    await page.goto(`${base}/demo/${slug}`)
    await page.locator('[data-tab=sizes]').click()
    await page.locator('[data-size]').nth(i % 3).click()
    await page.locator('[data-tab=reviews]').click()
    await page.locator('form.order input[name=name]').fill(`Person ${i}`)
    await page.locator('form.order input[name=card]').pressSequentially('4111 1111 1111 1111', { delay: 20 })
    if (i === 2) {
      await page.locator('parley-chat .launcher').click()
      await page.locator('parley-chat textarea, parley-chat input[type=email]').first().pressSequentially('Hello, is this in stock?', { delay: 30 })
    }
    await page.waitForTimeout(800)
  }
}

async function ownerCookie(base: string): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(base + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify(OWNER) })
  const body = (await r.json()) as { csrfToken: string }
  return { cookie: r.headers.get('set-cookie')!.split(';')[0]!, csrf: body.csrfToken }
}

async function setRecording(base: string, enabled: boolean): Promise<void> {
  const { cookie, csrf } = await ownerCookie(base)
  const r = await fetch(base + '/api/settings/recordings', {
    method: 'PUT',
    headers: { 'content-type': 'application/json', origin: base, cookie, 'x-csrf-token': csrf },
    body: JSON.stringify({ enabled }),
  })
  if (!r.ok) throw new Error(`settings: ${r.status}`)
}

async function tbt(browser: Browser, base: string, heavy: boolean): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addInitScript(TBT_PROBE)
  if (heavy) await context.addInitScript(HEAVY)
  const page = await context.newPage()
  await page.goto(base + '/demo')
  const end = Date.now() + TBT_S * 1000
  let k = 0
  while (Date.now() < end) {
    await page.mouse.move(100 + ((k * 97) % 900), 120 + ((k * 53) % 500), { steps: 3 })
    if (k % 10 === 0) await page.mouse.wheel(0, k % 20 === 0 ? 300 : -300)
    if (k % 25 === 0) await page.locator('input[type=text], textarea').first().pressSequentially('typing', { delay: 10 }).catch(() => {})
    k++
    await page.waitForTimeout(50)
  }
  const value = (await page.evaluate(() => (window as unknown as { __tbt: number }).__tbt)) as number
  await context.close()
  return value
}

async function ingest(url: (id: string, seq: number) => string, token: string, bodies: Uint8Array[], serverPid: number, dbCpu: () => number) {
  const t0 = performance.now()
  const cpu0 = cpuSeconds(serverPid)
  const db0 = dbCpu()
  let bytes = 0
  let accepted = 0
  let refused = 0
  const end = Date.now() + INGEST_S * 1000
  let pass = 0
  const worker = async (w: number) => {
    while (Date.now() < end) {
      const rec = crypto.randomUUID()
      const n = pass++
      for (let seq = 0; seq < bodies.length && Date.now() < end; seq++) {
        const body = bodies[(seq + w + n) % bodies.length]!
        const res = await fetch(url(rec, seq), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: body as BodyInit })
        await res.arrayBuffer()
        if (res.status === 201) {
          accepted++
          bytes += body.byteLength
        } else refused++
      }
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, (_, w) => worker(w)))
  const seconds = (performance.now() - t0) / 1000
  const cpu = cpuSeconds(serverPid) - cpu0
  const db = dbCpu() - db0
  return { accepted, refused, mb: bytes / 1e6, seconds, cpu, db, mbPerCpu: bytes / 1e6 / cpu, mbPerCpuWithDb: bytes / 1e6 / (cpu + db) }
}

type IngestResult = Awaited<ReturnType<typeof ingest>>
export type RecordingsResult = Awaited<ReturnType<typeof runRecordings>>

export async function runRecordings() {
  pinPid(process.pid, LOAD_CPUS)
  const cluster = await startCluster('recordings')
  cluster.pin(DB_CPUS) // --pg-cpu=N: PostgreSQL off the server core
  const profDir = join(tmpdir(), `parley-rec-prof-${process.pid}`)
  if (profile) mkdirSync(profDir, { recursive: true })
  const profArgs = profile ? ['--cpu-prof', '--cpu-prof-md', `--cpu-prof-dir=${profDir}`] : []
  const parley = await startParley({ DATABASE_URL: await cluster.createDatabase('parley_rec') }, 0, profArgs)
  const port = await freePort()
  const raw = spawnChild(pinned(SERVER_CPUS, [BUN, join(ROOT, 'scripts/bench/peers/recordings-raw.ts')]), { env: { DATABASE_URL: await cluster.createDatabase('raw_rec'), PORT: String(port) } })
  await raw.waitLine((l) => l.includes('"ready"'), 30_000)
  const browser = await launchBrowser({ full: true })
  const { default: postgres } = await import('postgres')
  const db = postgres(cluster.url('parley_rec'), { max: 2, onnotice: () => {} })
  try {
    // 1. Storage per recorded minute (or chunks kept from an earlier visit: --bodies=DIR).
    let visit = { seconds: 0, bytes: 0, minutes: 0, chunks: 0, events: 0, kbPerMin: NaN, avgChunk: NaN }
    let bodies: Uint8Array[]
    const tbtOf: Record<string, number[]> = { 'demo on': [], 'demo off': [], 'heavy on': [], 'heavy off': [] }
    if (bodiesFrom) {
      bodies = readdirSync(bodiesFrom).filter((f) => f.endsWith('.bin')).sort().map((f) => new Uint8Array(readFileSync(join(bodiesFrom, f))))
    } else {
      log(`recordings: a scripted visit of ${VISIT_S} s`)
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      const page = await context.newPage()
      await browse(page, parley.url, VISIT_S)
      await page.goto('about:blank')
      await context.close()
      await Bun.sleep(1500)
      const [r] = await db<{ bytes: string; ms: number; chunks: number; events: number }[]>`
        select sum(bytes)::bigint as bytes, sum(extract(epoch from ended_at - started_at) * 1000)::float8 as ms, sum(chunks)::int as chunks, sum(events)::int as events from recordings`
      visit = { seconds: VISIT_S, bytes: Number(r!.bytes), minutes: r!.ms / 60_000, chunks: r!.chunks, events: r!.events, kbPerMin: Number(r!.bytes) / 1000 / (r!.ms / 60_000), avgChunk: Number(r!.bytes) / r!.chunks }
      const rows = await db<{ data: Uint8Array }[]>`select data from recording_chunks`
      bodies = rows.map((x) => new Uint8Array(x.data))
      if (saveBodies) {
        mkdirSync(saveBodies, { recursive: true })
        bodies.forEach((b, i) => writeFileSync(join(saveBodies, `${i}.bin`), b))
      }

      // 2. Total blocking time with and without the recorder.
      for (let run = 0; run < (profile ? 0 : TBT_RUNS); run++) {
        for (const on of [true, false]) {
          await setRecording(parley.url, on)
          for (const heavy of [false, true]) tbtOf[`${heavy ? 'heavy' : 'demo'} ${on ? 'on' : 'off'}`]!.push(await tbt(browser, parley.url, heavy))
        }
      }
      await setRecording(parley.url, true)
    }

    // 3. Ingest against the raw peer.
    const vr = await fetch(parley.url + '/api/widget/visitors', { method: 'POST' })
    const token = ((await vr.json()) as { token: string }).token
    const dbCpu = () => cluster.cpuSeconds()
    // --rounds=N: Parley and the peer by turns, N times each; the median round of each is shown.
    const Ps: IngestResult[] = []
    const Bs: IngestResult[] = []
    for (let round = 0; round < ROUNDS; round++) {
      Ps.push(await ingest((id, seq) => `${parley.url}/api/widget/recordings/${id}/chunks/${seq}`, token, bodies, parley.pid, dbCpu))
      Bs.push(await ingest((id, seq) => `http://127.0.0.1:${port}/chunks/${id}/${seq}`, 'bench-token', bodies, raw.pid, dbCpu))
    }
    const mid = (rs: IngestResult[]) => [...rs].sort((x, y) => x.mbPerCpu - y.mbPerCpu)[rs.length >> 1]!
    const P = mid(Ps)
    const B = mid(Bs)
    if (ROUNDS > 1) log(`ingest rounds, MB per server CPU-s: Parley ${Ps.map((x) => fmt(x.mbPerCpu, 2)).join(' ')}; raw ${Bs.map((x) => fmt(x.mbPerCpu, 2)).join(' ')}`)
    return { visit, tbt: tbtOf, ingest: { parley: P, raw: B } }
  } finally {
    await db.end()
    await browser.close()
    await raw.stop('SIGTERM', 5_000)
    await parley.stop()
    await cluster.stop()
    const md = profile ? readdirSync(profDir).find((f) => f.endsWith('.md')) : undefined
    if (md) {
      const out = join(tmpdir(), `parley-rec-profile-${Date.now()}.md`)
      copyFileSync(join(profDir, md), out)
      log(`CPU profile (markdown): ${out}`)
    }
  }
}

if (import.meta.main) {
  try {
    const r = await runRecordings()
    const d = (k: string) => (r.tbt[k]!.length ? median(r.tbt[k]!) : NaN)
    const lines = [
      `| benchmark | Parley | raw Bun | P÷Bun | target | met | note |`,
      `| --- | --- | --- | --- | --- | --- | --- |`,
      `| stored kB per recorded minute | ${fmt(r.visit.kbPerMin, 1)} | | | ≤ 100 | ${r.visit.kbPerMin <= 100 ? 'yes' : 'no'} | ${fmt(r.visit.bytes / 1000, 1)} kB in ${fmt(r.visit.minutes, 2)} min, ${r.visit.chunks} chunks (avg ${fmt(r.visit.avgChunk / 1000, 1)} kB), ${r.visit.events} events |`,
      `| TBT /demo: recorder on / off (ms) | ${fmt(d('demo on'))} / ${fmt(d('demo off'))} | | | ≤ +50 ms | ${d('demo on') - d('demo off') <= 50 ? 'yes' : 'no'} | +${fmt(d('demo on') - d('demo off'))} ms, median of ${TBT_RUNS}, ${TBT_S} s each |`,
      `| TBT heavy page: on / off (ms) | ${fmt(d('heavy on'))} / ${fmt(d('heavy off'))} | | | ≤ +150 ms | ${d('heavy on') - d('heavy off') <= 150 ? 'yes' : 'no'} | +${fmt(d('heavy on') - d('heavy off'))} ms; about 9,000 extra nodes, 50 mutations / 100 ms |`,
      `| ingest MB per server CPU-s | ${fmt(r.ingest.parley.mbPerCpu, 2)} | ${fmt(r.ingest.raw.mbPerCpu, 2)} | ${fmtRatio(r.ingest.parley.mbPerCpu / r.ingest.raw.mbPerCpu)} | ≥ 0.8× | ${r.ingest.parley.mbPerCpu >= 0.8 * r.ingest.raw.mbPerCpu ? 'yes' : 'no'} | app process; ${r.ingest.parley.accepted} / ${r.ingest.raw.accepted} chunks accepted, ${r.ingest.parley.refused} / ${r.ingest.raw.refused} refused |`,
      `| ingest MB per CPU-s incl. PostgreSQL | ${fmt(r.ingest.parley.mbPerCpuWithDb, 2)} | ${fmt(r.ingest.raw.mbPerCpuWithDb, 2)} | ${fmtRatio(r.ingest.parley.mbPerCpuWithDb / r.ingest.raw.mbPerCpuWithDb)} | | | app + all backends |`,
    ]
    console.log(lines.join('\n'))
    console.error(JSON.stringify(r.tbt))
  } finally {
    await cleanupAll()
  }
}
