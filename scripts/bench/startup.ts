// Start-up: process start → first 200 from /healthz, with Parley's own embedded PostgreSQL, on an
// empty DATA_DIR (initdb + migrations + owner) and on an initialised one; and the compiled binary
// (dist/release/parley-linux-x64/parley, built first when missing) on the same initialised one,
// run by turns with the sources (`bun server/main.ts`, as npm start runs it once the UI is built).
// Parley is pinned to the server core (as on a one-CPU server: the code, PostgreSQL's start and
// its first connections take turns on one core); the binary runs a third time unpinned, on every
// core, as an admin's server with more than one runs it. The probe polls every 5 ms.
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { buildBinary, RELEASE_DIR } from '../build-binary.ts'
import { BUN, SERVER_CPUS, freePort, log, pinned, spawnChild, tempDir } from './lib.ts'
import { OWNER, PARLEY_MAIN } from './servers.ts'

export interface StartupResult {
  emptyMs: number[]
  initialisedMs: number[]
  /** The binary on the initialised DATA_DIR (absent in results saved before it existed). */
  binaryMs?: number[]
  /** The binary again, not pinned: every core of the machine. */
  binaryAllCoresMs?: number[]
  binaryBytes?: number
}

const SOURCES = [BUN, PARLEY_MAIN]

async function timeToHealthy(dataDir: string, argv: string[] = SOURCES, pin = true): Promise<number> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/healthz`
  const t0 = performance.now()
  const child = spawnChild(pin ? pinned(SERVER_CPUS, argv) : argv, {
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
      PARLEY_OWNER_EMAIL: OWNER.email,
      PARLEY_OWNER_PASSWORD: OWNER.password,
    },
  })
  try {
    for (;;) {
      if (child.proc.exitCode !== null) throw new Error(`Parley exited: ${child.stderr().slice(-1500)}`)
      try {
        const r = await fetch(url)
        await r.arrayBuffer()
        if (r.status === 200) return performance.now() - t0
      } catch {}
      if (performance.now() - t0 > 180_000) throw new Error(`no 200 from /healthz in 180 s: ${child.stderr().slice(-1500)}`)
      await Bun.sleep(5)
    }
  } finally {
    // A clean stop, so the next start finds a cleanly shut down cluster.
    await child.stop('SIGTERM', 20_000)
  }
}

export async function runStartup(runs: number): Promise<StartupResult> {
  const binary = join(RELEASE_DIR, 'parley')
  if (!existsSync(binary)) await buildBinary({ ui: !existsSync(join(RELEASE_DIR, '../../ui/manifest.json')) })
  const res: StartupResult = { emptyMs: [], initialisedMs: [], binaryMs: [], binaryAllCoresMs: [], binaryBytes: Bun.file(binary).size }
  for (let r = 0; r < runs; r++) {
    const dataDir = join(tempDir('startup'), 'data')
    mkdirSync(dataDir)
    res.emptyMs.push(await timeToHealthy(dataDir))
    // By turns on the same folder, so neither always comes first after the cluster's last stop.
    if (r % 2 === 0) {
      res.initialisedMs.push(await timeToHealthy(dataDir))
      res.binaryMs!.push(await timeToHealthy(dataDir, [binary, 'start']))
    } else {
      res.binaryMs!.push(await timeToHealthy(dataDir, [binary, 'start']))
      res.initialisedMs.push(await timeToHealthy(dataDir))
    }
    res.binaryAllCoresMs!.push(await timeToHealthy(dataDir, [binary, 'start'], false))
    log(`start-up run ${r + 1}/${runs}: empty ${res.emptyMs[r]!.toFixed(0)} ms, initialised ${res.initialisedMs[r]!.toFixed(0)} ms, binary ${res.binaryMs![r]!.toFixed(0)} ms (all cores ${res.binaryAllCoresMs![r]!.toFixed(0)} ms)`)
  }
  return res
}
