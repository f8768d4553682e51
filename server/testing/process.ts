// Runs Parley as a real child process (server/main.ts), for multi-process and crash tests.
import { resolve } from 'node:path'
import { freePort } from '../db/embedded.ts'

const MAIN = resolve(import.meta.dir, '../main.ts')

export interface ParleyProcess {
  proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>
  url: string
  port: number
  /** Everything it wrote to stderr so far (JSON log lines). */
  log(): string
  kill(signal?: NodeJS.Signals): Promise<number>
}

export async function spawnParley(env: Record<string, string>, readyMs = 30_000): Promise<ParleyProcess> {
  const port = await freePort()
  const proc = Bun.spawn([process.execPath, MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  let stderr = ''
  ;(async () => {
    const decoder = new TextDecoder()
    for await (const chunk of proc.stderr) stderr += decoder.decode(chunk)
  })()
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + readyMs
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`parley exited with ${proc.exitCode}: ${stderr}`)
    try {
      const r = await fetch(`${url}/healthz`)
      if (r.status === 200) break
    } catch {}
    if (Date.now() > deadline) {
      proc.kill('SIGKILL')
      throw new Error(`parley did not become healthy in ${readyMs} ms: ${stderr}`)
    }
    await Bun.sleep(50)
  }
  return {
    proc,
    url,
    port,
    log: () => stderr,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      proc.kill(signal)
      return proc.exited
    },
  }
}
