// Start-up: process start → first 200 from /healthz, with Parley's own embedded PostgreSQL, on an
// empty DATA_DIR (initdb + migrations + owner) and on an initialised one. Parley is pinned to the
// server core; the probe polls from the load core every 5 ms.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { BUN, SERVER_CPUS, freePort, log, pinned, spawnChild, tempDir } from './lib.ts'
import { OWNER, PARLEY_MAIN } from './servers.ts'

export interface StartupResult {
  emptyMs: number[]
  initialisedMs: number[]
}

async function timeToHealthy(dataDir: string): Promise<number> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/healthz`
  const t0 = performance.now()
  const child = spawnChild(pinned(SERVER_CPUS, [BUN, PARLEY_MAIN]), {
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
      if (performance.now() - t0 > 60_000) throw new Error(`no 200 from /healthz in 60 s: ${child.stderr().slice(-1500)}`)
      await Bun.sleep(5)
    }
  } finally {
    // A clean stop, so the next start finds a cleanly shut down cluster.
    await child.stop('SIGTERM', 20_000)
  }
}

export async function runStartup(runs: number): Promise<StartupResult> {
  const res: StartupResult = { emptyMs: [], initialisedMs: [] }
  for (let r = 0; r < runs; r++) {
    const dataDir = join(tempDir('startup'), 'data')
    mkdirSync(dataDir)
    res.emptyMs.push(await timeToHealthy(dataDir))
    res.initialisedMs.push(await timeToHealthy(dataDir))
    log(`start-up run ${r + 1}/${runs}: empty ${res.emptyMs[r]!.toFixed(0)} ms, initialised ${res.initialisedMs[r]!.toFixed(0)} ms`)
  }
  return res
}
