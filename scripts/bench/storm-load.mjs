// Restart storm load (Node, `ws`): opens N widget sockets and holds them; told `watch`, it brings
// every socket that closes back the way the widget does (ui/shared/socket.ts: a 1012 close's
// window, else full-jitter exponential back-off) and reports once all N said hello again; told
// `send`, every socket sends one message and waits for its ack. Driven over stdin by storm.ts.
// node scripts/bench/storm-load.mjs CONFIG.json
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

// The widget's policy, as in ui/shared/socket.ts (backoffDelay, restartWindow, RESTART_PATIENCE_MS; this is plain
// Node, which cannot import that TypeScript): keep the two in step.
const BACKOFF = { firstMs: 500, maxMs: 30_000 }
const backoffDelay = (attempt) => Math.random() * Math.min(BACKOFF.maxMs, BACKOFF.firstMs * 2 ** Math.min(attempt, 30))
const RESTART_PATIENCE_MS = 60_000
const restartWindow = (code, reason) => {
  if (code !== 1012) return null
  const m = /within (\d{1,6}) ms/.exec(reason)
  return m ? Number(m[1]) : null
}

/** One widget: its token, its current socket, whether the server greeted it, and its attempts. */
class Widget {
  constructor(i) {
    this.i = i
    this.token = cfg.tokens[i % cfg.tokens.length]
    this.ws = null
    this.greeted = false
    this.attempt = 0
    this.hintMs = null
    this.hintUntil = 0
    this.onHello = null
    this.acked = null
    /** Closed since `watch`: the restart reached it. */
    this.restarted = false
  }

  connect() {
    const url = cfg.kind === 'sio' ? `${wsBase}/socket.io/?EIO=4&transport=websocket` : `${wsBase}/ws/visitor?token=${encodeURIComponent(this.token)}`
    const ws = new WebSocket(url, { handshakeTimeout: 20_000 })
    this.ws = ws
    this.greeted = false
    ws.on('message', (data) => {
      const s = data.toString()
      if (cfg.kind === 'sio') {
        if (s === '2') return ws.send('3')
        if (s.startsWith('0{')) return ws.send('40' + JSON.stringify({ role: 'visitor', token: this.token }))
        if (s.startsWith('42["hello"')) return this.hello()
        if (s.startsWith('43')) return this.acked?.()
      } else if (s.startsWith('{"type":"hello"')) this.hello()
      else if (s.startsWith('{"type":"ack"')) this.acked?.()
    })
    ws.on('error', (e) => {
      if (watching) stats.errors[e.code ?? e.message.slice(0, 60)] = (stats.errors[e.code ?? e.message.slice(0, 60)] ?? 0) + 1
    })
    ws.on('unexpected-response', (_req, res) => {
      if (watching) stats.errors[`HTTP ${res.statusCode}`] = (stats.errors[`HTTP ${res.statusCode}`] ?? 0) + 1
      ws.terminate()
    })
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return
      this.ws = null
      const wasGreeted = this.greeted
      this.greeted = false
      if (!watching) return
      stats.closes++
      this.restarted = true
      const window = restartWindow(code, reason.toString())
      if (window !== null) {
        stats.hinted++
        this.hintMs = window
        this.hintUntil = Date.now() + RESTART_PATIENCE_MS
        this.attempt = 0
      } else if (!wasGreeted) stats.failedAttempts++
      if (this.hintMs !== null && Date.now() >= this.hintUntil) {
        this.hintMs = null
        this.attempt = 0
      }
      this.later(this.hintMs !== null ? Math.random() * this.hintMs : backoffDelay(this.attempt))
      this.attempt++
    })
  }

  later(ms) {
    setTimeout(() => this.connect(), ms)
  }

  hello() {
    this.greeted = true
    this.attempt = 0
    this.hintMs = null
    const f = this.onHello
    this.onHello = null
    f?.()
  }

  /** Opens and resolves on hello (the first connection, before the restart). */
  open() {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), 30_000)
      this.onHello = () => {
        clearTimeout(timer)
        resolve(true)
      }
      this.connect()
    })
  }

  send(tag) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), 30_000)
      this.acked = () => {
        clearTimeout(timer)
        this.acked = null
        resolve(true)
      }
      const frame = { clientId: `${tag}.${this.i}`, body: `after the restart ${this.i}` }
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return resolve(false)
      if (cfg.kind === 'sio') this.ws.send(`421${JSON.stringify(['message.send', frame])}`)
      else this.ws.send(JSON.stringify({ type: 'message.send', ...frame }))
    })
  }
}

let watching = false
/** Closes seen since `watch`, those with a hint, attempts that failed, and why they failed. */
const stats = { closes: 0, hinted: 0, failedAttempts: 0, errors: {} }
const widgets = Array.from({ length: cfg.n }, (_, i) => new Widget(i))

async function pool(items, concurrency, f) {
  let next = 0
  const results = []
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        results[i] = await f(items[i])
      }
    }),
  )
  return results
}

const rl = createInterface({ input: process.stdin })
rl.on('line', async (line) => {
  if (line === 'open') {
    const t0 = performance.now()
    const ok = await pool(widgets, cfg.concurrency, (w) => w.open())
    out({ phase: 'open', opened: ok.filter(Boolean).length, seconds: (performance.now() - t0) / 1000 })
  } else if (line === 'watch') {
    // Armed before the server is told to stop: from here, every close is brought back.
    watching = true
    const t0 = performance.now()
    let firstClose = null
    out({ phase: 'watching' })
    const tick = setInterval(() => {
      const back = widgets.filter((w) => w.restarted && w.greeted).length
      if (firstClose === null && stats.closes > 0) firstClose = performance.now()
      if (back === cfg.n) {
        clearInterval(tick)
        out({ phase: 'back', back, seconds: (performance.now() - t0) / 1000, sinceFirstClose: (performance.now() - (firstClose ?? t0)) / 1000, ...stats })
      }
    }, 20)
  } else if (line.startsWith('send ')) {
    const ok = await pool(widgets, cfg.concurrency, (w) => w.send(line.slice(5)))
    out({ phase: 'sent', acked: ok.filter(Boolean).length })
  } else if (line === 'close') {
    watching = false
    for (const w of widgets) if (w.ws) drop(w.ws)
    out({ phase: 'closed' })
    setTimeout(() => process.exit(0), 100)
  }
})
out({ phase: 'ready' })
