// A WebSocket that comes back: reconnects with capped, jittered backoff, keeps frames that create
// data (they carry a clientId) until the server acknowledges them and sends them again, in
// order, after a reconnect (the server stores a repeated clientId once). What the client missed
// while away is fetched by the owner of the socket through `onOpen` (resume by sequence number).
import type { ReactiveController, ReactiveControllerHost } from 'lit'

export type SocketState = 'connecting' | 'open' | 'closed'

export interface SocketOptions<In, Out extends object> {
  url: () => string
  onFrame: (frame: In) => void
  onState?: (state: SocketState, info: { attempt: number; code?: number }) => void
  /** Runs on every (re)connect before queued frames are flushed. */
  onOpen?: (socket: ReconnectingSocket<In, Out>, reconnect: boolean) => void
  /** Close codes after which we must not reconnect (e.g. the session was ended). */
  finalCodes?: number[]
  pingFrame?: Out
  pingMs?: number
  maxBackoffMs?: number
}

export class ReconnectingSocket<In, Out extends object> {
  state: SocketState = 'closed'
  private ws: WebSocket | null = null
  private attempt = 0
  private opened = false
  private stopped = true
  private timer: ReturnType<typeof setTimeout> | null = null
  private pinger: ReturnType<typeof setInterval> | null = null
  /** Frames waiting for an ack, by clientId, in the order they were first sent. */
  private outbox = new Map<string, Out>()

  constructor(private opts: SocketOptions<In, Out>) {}

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    addEventListener('online', this.reconnectNow)
    this.connect()
  }

  stop(): void {
    this.stopped = true
    removeEventListener('online', this.reconnectNow)
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.stopPing()
    const ws = this.ws
    this.ws = null
    ws?.close(1000, 'bye')
    this.setState('closed')
  }

  /** Sends now if connected; otherwise drops it (typing, status: stale after a reconnect anyway). */
  send(frame: Out): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false
    this.ws.send(JSON.stringify(frame))
    return true
  }

  /** Sends and keeps the frame until `ack(clientId)`; resent after every reconnect. */
  sendReliable(clientId: string, frame: Out): void {
    this.outbox.set(clientId, frame)
    this.send(frame)
  }

  ack(clientId: string): void {
    this.outbox.delete(clientId)
  }

  /** Forgets a frame that the server refused for good. */
  drop(clientId: string): void {
    this.outbox.delete(clientId)
  }

  get pending(): number {
    return this.outbox.size
  }

  private reconnectNow = () => {
    if (this.stopped || this.state === 'open') return
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.attempt = 0
    this.connect()
  }

  private setState(state: SocketState, code?: number) {
    this.state = state
    this.opts.onState?.(state, { attempt: this.attempt, code })
  }

  private connect() {
    if (this.stopped) return
    this.setState('connecting')
    let ws: WebSocket
    try {
      ws = new WebSocket(this.opts.url())
    } catch {
      this.scheduleReconnect()
      return
    }
    this.ws = ws
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return
      const reconnect = this.opened
      this.opened = true
      this.attempt = 0
      this.setState('open')
      this.opts.onOpen?.(this, reconnect)
      for (const frame of this.outbox.values()) ws.send(JSON.stringify(frame))
      this.startPing()
    })
    ws.addEventListener('message', (e) => {
      if (this.ws !== ws) return
      let frame: In
      try {
        frame = JSON.parse(String(e.data)) as In
      } catch {
        return
      }
      // The server coalesces what it publishes to every dashboard in one turn into one frame.
      const batch = frame as { type?: unknown; frames?: unknown }
      if (batch.type === 'batch' && Array.isArray(batch.frames)) {
        for (const f of batch.frames as In[]) this.opts.onFrame(f)
        return
      }
      this.opts.onFrame(frame)
    })
    ws.addEventListener('close', (e) => {
      if (this.ws !== ws) return
      this.ws = null
      this.stopPing()
      if (this.stopped) return
      if (this.opts.finalCodes?.includes(e.code)) {
        this.stopped = true
        this.setState('closed', e.code)
        return
      }
      this.setState('closed', e.code)
      this.scheduleReconnect()
    })
  }

  private scheduleReconnect() {
    if (this.stopped || this.timer) return
    const max = this.opts.maxBackoffMs ?? 10_000
    const base = Math.min(max, 400 * 2 ** this.attempt)
    const delay = base / 2 + Math.random() * (base / 2)
    this.attempt++
    this.timer = setTimeout(() => {
      this.timer = null
      this.connect()
    }, delay)
  }

  private startPing() {
    this.stopPing()
    const frame = this.opts.pingFrame
    if (!frame) return
    this.pinger = setInterval(() => this.send(frame), this.opts.pingMs ?? 25_000)
  }

  private stopPing() {
    if (this.pinger) clearInterval(this.pinger)
    this.pinger = null
  }
}

/** Ties a ReconnectingSocket to an element's life: connected ⇒ running, removed ⇒ closed. */
export class SocketController<In, Out extends object> implements ReactiveController {
  readonly socket: ReconnectingSocket<In, Out>
  state: SocketState = 'closed'

  constructor(
    private host: ReactiveControllerHost,
    opts: SocketOptions<In, Out>,
    private autoStart = true,
  ) {
    host.addController(this)
    this.socket = new ReconnectingSocket<In, Out>({
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
