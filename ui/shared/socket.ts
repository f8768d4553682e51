// The one reconnecting WebSocket of both UIs (widget and dashboard). It reconnects with capped,
// jittered exponential back-off (so a restarted server is not hit by every tab at once), follows
// a graceful restart's hint (close code 1012: reconnect at a random moment within its window), tries
// again at once when the browser is back online, keeps the connection alive with pings, and
// unpacks the server's batch frames. Frames that create data wait in their owner's list of
// unsent frames (`pending`), not here: the owner already keeps them until the server's ack (to
// show them as "sending"), and after every (re)connect the socket sends what that list holds,
// in order, again; the server stores a repeated clientId once. What the client missed while
// away is asked for by the owner in `onOpen` (resume by sequence number).
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { ClientFrame, ServerFrame } from '../../server/realtime/wire.ts'

export type SocketState = 'connecting' | 'open' | 'closed'

export interface SocketOptions {
  /** Where to connect. A promise that rejects (no visitor token yet, server down) counts as a failed attempt. */
  url: () => string | Promise<string>
  onFrame: (frame: ServerFrame) => void
  /**
   * `refused`: the socket closed before it was open (the server may have refused the handshake).
   * `attempt`: failed attempts since the connection was last open.
   */
  onState?: (state: SocketState, info: { attempt: number; code?: number; refused?: boolean }) => void
  /**
   * Runs on every (re)connect, before the pending frames go out; they wait for its promise.
   * `current()` turns false once this connection is gone (check it after awaiting something).
   * `greeting`: the frame that opened it (see `greeting`), when there is one.
   */
  onOpen?: (reconnect: boolean, current: () => boolean, greeting?: ServerFrame) => void | Promise<void>
  /** Frames that create data and still wait for their ack, in the order they were written. */
  pending?: () => Iterable<ClientFrame>
  /** The connection counts as open only once the server sent this frame type (the widget waits for `hello`). */
  greeting?: ServerFrame['type']
  /** Close codes after which we must not reconnect (e.g. the session was ended). */
  finalCodes?: number[]
  /** Sends a ping this often while open. */
  pingMs?: number
  /** Drops the connection when no pong comes within this long after a ping (a half-open socket). */
  pongMs?: number
  /** Back-off: the first delay, the cap, and the jitter as factors of the delay ([low, high)). */
  backoff?: { firstMs: number; maxMs: number; jitter: [number, number] }
  /** Drops the connection on the browser's offline event and tries again when the page is shown. */
  followPage?: boolean
  /** How long attempts keep to a restart hint's window (default RESTART_PATIENCE_MS). */
  restartPatienceMs?: number
  /** Where the jitter comes from (tests pin it); Math.random by default. */
  random?: () => number
}

/** The dashboard's: a few agents, who want their connection back fast. */
const DEFAULT_BACKOFF = { firstMs: 400, maxMs: 10_000, jitter: [0.5, 1] as [number, number] }

/**
 * The wait before reconnect attempt number `attempt` (0 = the first after a drop): the delay
 * doubles from `firstMs` up to `maxMs`, and the jitter picks a point within [low, high) of it.
 * Full jitter ([0, 1]) spreads a crowd that lost its server at the same instant evenly over the
 * whole window instead of in waves.
 */
export function backoffDelay(attempt: number, backoff: SocketOptions['backoff'] & {}, random: () => number = Math.random): number {
  const { firstMs, maxMs, jitter } = backoff
  const ceiling = Math.min(maxMs, firstMs * 2 ** Math.min(attempt, 30))
  return ceiling * (jitter[0] + random() * (jitter[1] - jitter[0]))
}

/** 1012 Service Restart: the server is restarting and will be back (RFC 6455 §7.4 as registered by IANA). */
export const RESTART_CLOSE_CODE = 1012

/**
 * After a restart hint, attempts keep to its window (a random moment within it each time) for
 * this long while the new process starts; if it still is not back by then, it is an outage and
 * the ordinary back-off takes over from its first step. Growing the delays during a restart
 * instead would keep widgets away long after the new process is up.
 */
export const RESTART_PATIENCE_MS = 60_000

/**
 * The reconnect hint of a graceful restart: the server closes with 1012 and a reason such as
 * `restarting; reconnect within 5000 ms` (or `catching up; …` when a server that stays up asks its
 * clients to reconnect and catch up on what it missed). Returns that window (ms), or null for any
 * other close.
 */
export function restartWindow(code: number, reason: string): number | null {
  if (code !== RESTART_CLOSE_CODE) return null
  const m = /within (\d{1,6}) ms/.exec(reason)
  return m ? Number(m[1]) : null
}

export class ReconnectingSocket {
  state: SocketState = 'closed'
  private ws: WebSocket | null = null
  /** Set while `url()` is awaited: a connection under way without a socket yet (stop() forgets it). */
  private dial: object | null = null
  private attempt = 0
  private opened = false
  private stopped = true
  private timer: ReturnType<typeof setTimeout> | undefined
  private pinger: ReturnType<typeof setInterval> | undefined
  private pongTimer: ReturnType<typeof setTimeout> | undefined
  private wallClock = 0
  /** The last restart hint's window, and until when attempts keep to it (cleared by a greeting). */
  private restartWindowMs: number | null = null
  private restartUntil = 0
  /** Set by holdBackoffAt(): the back-off's cap until the next greeting. */
  private awayCapMs: number | null = null

  constructor(private opts: SocketOptions) {}

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    addEventListener('online', this.reconnectNow)
    if (this.opts.followPage) {
      addEventListener('offline', this.onOffline)
      document.addEventListener('visibilitychange', this.onVisible)
    }
    this.connect()
  }

  stop(): void {
    this.stopped = true
    removeEventListener('online', this.reconnectNow)
    if (this.opts.followPage) {
      removeEventListener('offline', this.onOffline)
      document.removeEventListener('visibilitychange', this.onVisible)
    }
    clearTimeout(this.timer)
    this.timer = undefined
    this.dial = null
    this.close()
    this.setState('closed')
  }

  /** Whether a frame sent now goes out (the socket is connected, greeted or not). */
  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN
  }

  /** Sends now if connected; otherwise drops it (typing, resume: stale after a reconnect anyway). */
  send(frame: ClientFrame): boolean {
    if (!this.connected) return false
    this.ws!.send(JSON.stringify(frame))
    return true
  }

  /**
   * Connects now unless a connection exists or is under way (a waiting retry is brought forward).
   * `fresh`: the network is back, so start the back-off over.
   */
  connect(fresh = false): void {
    if (this.stopped || this.ws || this.dial) return
    clearTimeout(this.timer)
    this.timer = undefined
    if (fresh) this.attempt = 0
    let url: string | Promise<string>
    try {
      url = this.opts.url()
    } catch {
      return this.unreachable()
    }
    if (typeof url === 'string') return this.open(url)
    const dial = (this.dial = {})
    url.then(
      (u) => {
        if (this.dial !== dial) return
        this.dial = null
        this.open(u)
      },
      () => {
        if (this.dial !== dial) return
        this.dial = null
        this.unreachable()
      },
    )
  }

  /** No socket could even be made (the address could not be had: the server did not answer the
   *  request for it): as down as a closed socket, for whoever shows the connection's state. */
  private unreachable() {
    this.setState('closed')
    this.scheduleReconnect()
  }

  /**
   * The server answers but cannot take connections for a moment (its database away: a refused
   * socket's owner learnt it from a 503): until the next greeting the back-off grows no further
   * than `maxMs`, so the connection is back within that long of the server taking connections
   * again, instead of up to the back-off's own cap. A waiting retry is brought within it too.
   */
  holdBackoffAt(maxMs: number): void {
    this.awayCapMs = maxMs
    if (!this.timer || this.stopped) return
    clearTimeout(this.timer)
    this.timer = undefined
    this.attempt = Math.max(0, this.attempt - 1)
    this.scheduleReconnect()
  }

  private reconnectNow = () => this.connect(true)

  private onOffline = () => {
    // The socket may linger half-open for minutes; treat it as gone from now on.
    if (this.ws) this.dropped()
  }

  private onVisible = () => {
    if (document.visibilityState === 'visible') this.reconnectNow()
  }

  private setState(state: SocketState, info: { code?: number; refused?: boolean } = {}) {
    this.state = state
    this.opts.onState?.(state, { attempt: this.attempt, ...info })
  }

  private open(url: string) {
    if (this.stopped || this.ws) return
    this.setState('connecting')
    let ws: WebSocket
    try {
      ws = new WebSocket(url)
    } catch {
      this.unreachable()
      return
    }
    this.ws = ws
    let greeted = false
    const current = () => this.ws === ws
    const greet = async (greeting?: ServerFrame) => {
      greeted = true
      const reconnect = this.opened
      this.opened = true
      this.attempt = 0
      this.restartWindowMs = null
      this.awayCapMs = null
      this.startPing()
      const ready = this.opts.onOpen?.(reconnect, current, greeting)
      if (ready) await ready
      if (!current()) return
      this.setState('open')
      for (const frame of this.opts.pending?.() ?? []) this.send(frame)
    }
    ws.onopen = () => {
      if (current() && !this.opts.greeting) void greet()
    }
    ws.onmessage = (e) => {
      if (!current()) return
      let frame: ServerFrame
      try {
        frame = JSON.parse(String(e.data)) as ServerFrame
      } catch {
        return
      }
      if (frame.type === this.opts.greeting && !greeted) return void greet(frame)
      if (frame.type === 'pong') {
        clearTimeout(this.pongTimer)
        this.pongTimer = undefined
      }
      // The server coalesces what it publishes to every dashboard in one turn into one frame.
      if (frame.type === 'batch') for (const f of frame.frames) this.opts.onFrame(f)
      else this.opts.onFrame(frame)
    }
    ws.onclose = (e) => {
      if (!current()) return
      this.close()
      if (this.opts.finalCodes?.includes(e.code)) {
        this.stopped = true
        this.setState('closed', { code: e.code })
        return
      }
      this.setState('closed', { code: e.code, refused: !greeted })
      // A graceful restart says how long to spread the reconnects over: each client picks a
      // random moment within it, so the new process is not met by every widget in the same
      // second, and keeps to it while the new process starts (see RESTART_PATIENCE_MS).
      const window = restartWindow(e.code, e.reason)
      if (window !== null) {
        this.restartWindowMs = window
        this.restartUntil = Date.now() + (this.opts.restartPatienceMs ?? RESTART_PATIENCE_MS)
        this.attempt = 0
      }
      this.scheduleReconnect()
    }
  }

  /** Gives up on a connection that looks dead, and tries again later. */
  private dropped() {
    this.close()
    this.setState('closed')
    this.scheduleReconnect()
  }

  private close() {
    const ws = this.ws
    this.ws = null
    clearInterval(this.pinger)
    clearTimeout(this.pongTimer)
    this.pongTimer = undefined
    if (!ws) return
    ws.onopen = ws.onmessage = ws.onclose = null
    try {
      ws.close(1000, 'bye')
    } catch {}
  }

  private scheduleReconnect() {
    if (this.stopped || this.timer) return
    const random = this.opts.random ?? Math.random
    if (this.restartWindowMs !== null && Date.now() >= this.restartUntil) {
      // The restart took longer than a restart does: back off as after any drop, from the start.
      this.restartWindowMs = null
      this.attempt = 0
    }
    const backoff = this.opts.backoff ?? DEFAULT_BACKOFF
    const capped = this.awayCapMs === null ? backoff : { ...backoff, maxMs: Math.min(backoff.maxMs, this.awayCapMs) }
    const delay = this.restartWindowMs !== null ? random() * this.restartWindowMs : backoffDelay(this.attempt, capped, random)
    this.attempt++
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.connect()
    }, delay)
  }

  private startPing() {
    clearInterval(this.pinger)
    const every = this.opts.pingMs
    if (!every) return
    this.wallClock = Date.now()
    this.pinger = setInterval(() => {
      // After the laptop sleeps, timers fire late and the socket is usually dead: check at once.
      const slept = Date.now() - this.wallClock > every * 2
      this.wallClock = Date.now()
      this.send({ type: 'ping' })
      const within = this.opts.pongMs
      // A pong answers every ping before it: an unanswered ping keeps its deadline.
      if (!within || this.pongTimer) return
      this.pongTimer = setTimeout(() => this.dropped(), slept ? Math.min(within, 3000) : within)
    }, every)
  }
}

/** Ties a ReconnectingSocket to an element's life: connected ⇒ running, removed ⇒ closed. */
export class SocketController implements ReactiveController {
  readonly socket: ReconnectingSocket
  state: SocketState = 'closed'

  constructor(
    private host: ReactiveControllerHost,
    opts: SocketOptions,
    private autoStart = true,
  ) {
    host.addController(this)
    this.socket = new ReconnectingSocket({
      ...opts,
      onState: (state, info) => {
        this.state = state
        opts.onState?.(state, info)
        this.host.requestUpdate()
      },
    })
  }

  hostConnected(): void {
    if (this.autoStart) this.socket.start()
  }

  hostDisconnected(): void {
    this.socket.stop()
  }
}

/** An absolute ws:// or wss:// URL for a path on this page's origin. */
export function wsUrl(path: string, loc: Location = location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}${path}`
}

/** A unique id for a frame that creates data. */
export function clientId(): string {
  // randomUUID exists only in secure contexts; a dashboard on plain http over a LAN is not one.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
