// What the recordings module shows the layers above it.

/** The owner's switches for recordings (stored with the other widget settings). */
export interface RecordingSettings {
  /** Record visitors at all. */
  enabled: boolean
  /** Record nothing until the site calls parley('analyticsConsent', true). */
  requireConsent: boolean
  /** Record nothing for a browser that sends the Global Privacy Control signal. */
  honorGpc: boolean
  /** Record visitors on phones and tablets too. */
  recordMobile: boolean
  /** Record what visitors type into fields (passwords never); off: every value is masked. */
  recordInputs: boolean
  /** Minutes a visitor must have been gone before their recording is saved. */
  finalizeAfterMinutes: number
  /** Days a recording is kept. */
  retentionDays: number
}

/** What the widget needs to know: only the switches, not the server's own periods. */
export type WidgetRecordingSettings = Pick<RecordingSettings, 'enabled' | 'requireConsent' | 'honorGpc' | 'recordMobile' | 'recordInputs'>

export interface RecordingView {
  id: string
  visitorId: string
  startedAt: string
  endedAt: string
  durationMs: number
  pages: number
  chunks: number
  events: number
  bytes: number
  /** 'live' while the visitor may still be on the site; 'saved' once finalised. */
  status: 'live' | 'saved'
}

export interface ChunkResult {
  /** The same sequence number was stored before; nothing changed. */
  duplicate: boolean
  /** Stored (compressed) size of the chunk. */
  bytes: number
}

export interface RecordingUsage {
  recordings: number
  bytes: number
}
