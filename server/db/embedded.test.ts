import { afterAll, describe, expect, it } from 'bun:test'
import { chownSync, mkdtempSync, rmSync, chmodSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join, resolve } from 'node:path'
import { freePort } from './embedded.ts'

const MAIN = resolve(import.meta.dir, '../main.ts')
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** Starts `bun server/main.ts` (as `nobody` through setpriv, which execs rather than forks, when asked), waits for 200, stops it with SIGTERM. */
async function startAndStop(dataDir: string, asNobody: boolean): Promise<{ stderr: string; code: number; owner: string }> {
  const port = await freePort()
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(port), HOST: '127.0.0.1', HOME: dataDir }
  const cmd = asNobody ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, MAIN] : [process.execPath, MAIN]
  const proc = Bun.spawn(cmd, { env, stdout: 'ignore', stderr: 'pipe' })
  let ok = false
  for (let i = 0; i < 300 && proc.exitCode === null; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) {
        ok = true
        break
      }
    } catch {}
    await Bun.sleep(50)
  }
  const ps = Bun.spawnSync(['ps', '-eo', 'user:20,args'])
  const line = ps.stdout.toString().split('\n').find((l) => l.includes(`-D ${join(dataDir, 'postgres')}`)) ?? ''
  proc.kill('SIGTERM')
  const code = await proc.exited
  const stderr = await new Response(proc.stderr).text()
  if (!ok) throw new Error(`did not start: ${stderr}`)
  return { stderr, code, owner: line.trim().split(/\s+/)[0] ?? '' }
}

describe('embedded PostgreSQL', () => {
  it('runs as an ordinary user, and as root runs PostgreSQL as the postgres user', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-user-'))
    dirs.push(dir)
    const root = userInfo().uid === 0
    if (root) {
      chmodSync(dir, 0o755)
      chownSync(dir, 65534, 65534)
      const asNobody = await startAndStop(join(dir, 'data'), true)
      expect(asNobody.code).toBe(0)
      expect(asNobody.owner).toBe('nobody')
      const rootDir = mkdtempSync(join(tmpdir(), 'parley-root-'))
      dirs.push(rootDir)
      const asRoot = await startAndStop(join(rootDir, 'data'), false)
      expect(asRoot.code).toBe(0)
      expect(asRoot.owner).toBe('postgres')
    } else {
      const me = await startAndStop(join(dir, 'data'), false)
      expect(me.code).toBe(0)
      expect(me.owner).toBe(userInfo().username)
    }
  }, 60_000)
})
