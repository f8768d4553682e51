// Prometheus metrics, kept by hand (no client library): counters and histograms that the code
// bumps as things happen, and gauges read when /metrics is scraped. Rendered in Prometheus's text
// exposition format 0.0.4. Labels are fixed small sets (a channel, a direction, a status class):
// never an id, an address or a text.

type Labels = Record<string, string>

const key = (labels: Labels | undefined) =>
  labels
    ? Object.keys(labels)
        .sort()
        .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
        .join(',')
    : ''
const withLabels = (name: string, labelText: string, extra = '') => {
  const all = [labelText, extra].filter(Boolean).join(',')
  return all ? `${name}{${all}}` : name
}
const num = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN')

export class Counter {
  private values = new Map<string, number>()
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels?: Labels, by = 1): void {
    const k = key(labels)
    this.values.set(k, (this.values.get(k) ?? 0) + by)
  }

  /** The current value for these labels (tests). */
  get(labels?: Labels): number {
    return this.values.get(key(labels)) ?? 0
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`]
    for (const [k, v] of this.values) lines.push(`${withLabels(this.name, k)} ${num(v)}`)
    return lines.join('\n')
  }
}

export class Histogram {
  private series = new Map<string, { counts: number[]; sum: number; count: number }>()
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  observe(value: number, labels?: Labels): void {
    const k = key(labels)
    let s = this.series.get(k)
    if (!s) this.series.set(k, (s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 }))
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++
    s.sum += value
    s.count++
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`]
    for (const [k, s] of this.series) {
      this.buckets.forEach((b, i) => lines.push(`${withLabels(`${this.name}_bucket`, k, `le="${b}"`)} ${s.counts[i]}`))
      lines.push(`${withLabels(`${this.name}_bucket`, k, 'le="+Inf"')} ${s.count}`)
      lines.push(`${withLabels(`${this.name}_sum`, k)} ${num(s.sum)}`)
      lines.push(`${withLabels(`${this.name}_count`, k)} ${s.count}`)
    }
    return lines.join('\n')
  }
}

/** A value read at scrape time: one number, or one per label set. */
export interface GaugeSample {
  labels?: Labels
  value: number
}

interface Gauge {
  name: string
  help: string
  read: () => GaugeSample[] | Promise<GaugeSample[]>
}

export class Metrics {
  /** onGaugeError: a gauge that could not be read (the scrape goes on without it). */
  constructor(private readonly onGaugeError: (name: string, error: unknown) => void = () => {}) {}

  private counters: Counter[] = []
  private histograms: Histogram[] = []
  private gauges: Gauge[] = []

  counter(name: string, help: string): Counter {
    const c = new Counter(name, help)
    this.counters.push(c)
    return c
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    const h = new Histogram(name, help, buckets)
    this.histograms.push(h)
    return h
  }

  gauge(name: string, help: string, read: Gauge['read']): void {
    this.gauges.push({ name, help, read })
  }

  /** The exposition text. A gauge that fails to read is left out (and says so in a comment). */
  async render(): Promise<string> {
    const parts: string[] = []
    for (const g of this.gauges) {
      try {
        const samples = await g.read()
        parts.push([`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`, ...samples.map((s) => `${withLabels(g.name, key(s.labels))} ${num(s.value)}`)].join('\n'))
      } catch (error) {
        this.onGaugeError(g.name, error)
        parts.push(`# ${g.name} could not be read`)
      }
    }
    for (const c of this.counters) parts.push(c.render())
    for (const h of this.histograms) parts.push(h.render())
    return parts.join('\n') + '\n'
  }
}

/** The counters and histograms the server bumps; gauges are added where their sources are (runtime.ts). */
export function serverMetrics(onGaugeError?: (name: string, error: unknown) => void) {
  const registry = new Metrics(onGaugeError)
  return {
    registry,
    messages: registry.counter('parley_messages_total', 'Messages stored, by channel and direction (in: from visitors, out: from agents).'),
    deliveryFailures: registry.counter('parley_delivery_failures_total', "Agents' messages a channel could not deliver, by channel."),
    ack: registry.histogram('parley_ack_seconds', 'From a message.send frame to its ack (committed), by sender kind.', [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]),
    recordingBytes: registry.counter('parley_recording_ingest_bytes_total', 'Bytes of recording chunks stored (compressed).'),
    recordingChunks: registry.counter('parley_recording_chunks_total', 'Recording chunks stored.'),
    http: registry.counter('parley_http_responses_total', 'HTTP responses by status class (2xx, 3xx, 4xx, 5xx).'),
    conversations: registry.counter('parley_conversation_changes_total', 'Conversation changes (created, assigned, resolved, reopened, …).'),
    catchUps: registry.counter(
      'parley_relay_catch_ups_total',
      "Times this process asked its sockets to reconnect and catch up on the other processes' announcements it missed (reason: silence, its listening connection heard nothing; lost, a read failed or a number was skipped).",
    ),
  }
}

export type ServerMetrics = ReturnType<typeof serverMetrics>
