// Idle widget connections (our own client, on Node for `ws`'s localAddress): opens N visitor
// sockets spread over several 127.0.0.x source addresses, each counted once the server's hello
// arrives, then holds them open until told to close. Driven over stdin/stdout by idle.ts.
// node scripts/bench/idle-load.mjs CONFIG.json
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import WebSocket from 'ws'
import { drop } from './sockets-lib.mjs'

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const wsBase = cfg.url.replace(/^http/, 'ws')
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n')
setTimeout(() => {
  out({ phase: 'deadline' })
  process.exit(3)
}, cfg.deadlineMs).unref()

function open(i) {
  return new Promise((resolve) => {
    const token = cfg.tokens[i % cfg.tokens.length]
    const url =
      cfg.kind === 'sio' ? `${wsBase}/socket.io/?EIO=4&transport=websocket` : `${wsBase}/ws/visitor?token=${encodeURIComponent(token)}`
    let done = false
    const finish = (ok, why) => {
      if (done) return
      done = true
      clearTimeout(timer)
      resolve({ ws, ok, why })
    }
    const ws = new WebSocket(url, { localAddress: cfg.sources[i % cfg.sources.length], handshakeTimeout: 20_000 })
    const timer = setTimeout(() => finish(false, 'no hello within 30 s'), 30_000)
    ws.on('message', (data) => {
      const s = data.toString()
      if (cfg.kind === 'sio') {
        if (s === '2') return ws.send('3')
        if (s.startsWith('0{')) return ws.send('40' + JSON.stringify({ role: 'visitor', token }))
        if (s.startsWith('44')) return finish(false, s.slice(0, 100))
        if (s.startsWith('42["hello"')) finish(true)
      } else if (s.startsWith('{"type":"hello"')) finish(true)
    })
    ws.on('error', (e) => finish(false, e.code ?? e.message))
    ws.on('close', () => finish(false, 'closed'))
  })
}

/** Opens `n` sockets, at most `concurrency` handshakes in flight. */
async function openMany(n, concurrency) {
  const socks = []
  let next = 0
  let failed = 0
  let firstError = null
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++
        const r = await open(i)
        if (r.ok) socks.push(r.ws)
        else {
          failed++
          firstError ??= r.why
          r.ws.terminate()
        }
      }
    }),
  )
  return { socks, failed, firstError, seconds: (performance.now() - t0) / 1000 }
}

let held = []
const rl = createInterface({ input: process.stdin })
rl.on('line', async (line) => {
  if (line === 'warm') {
    const r = await openMany(cfg.warm, cfg.concurrency)
    for (const s of r.socks) s.close()
    await new Promise((res) => setTimeout(res, 300))
    out({ phase: 'warmed', opened: r.socks.length, failed: r.failed, firstError: r.firstError })
  } else if (line === 'go') {
    const r = await openMany(cfg.n, cfg.concurrency)
    held = r.socks
    out({ phase: 'open', opened: r.socks.length, failed: r.failed, firstError: r.firstError, seconds: r.seconds })
  } else if (line === 'close') {
    for (const s of held) drop(s)
    held = []
    out({ phase: 'closed' })
    setTimeout(() => process.exit(0), 100)
  }
})
out({ phase: 'ready' })
