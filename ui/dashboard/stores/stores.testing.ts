// Test fixtures for the store tests: wire-shaped conversations and messages, a dashboard whose API
// points at a closed loopback port (a frame handler that reaches for the network would show up as
// a network error, never as a silent success), the frames it sends, and which stores changed.
import { ApiClient } from '../../shared/api.ts'
import type { Agent } from '../../shared/types.ts'
import type { ClientFrame, Conversation, Message, Visitor } from '../../../server/realtime/wire.ts'
import { Dashboard } from './dashboard.ts'
import type { Store, StoreName } from './store.ts'

/** Port 9 (discard) on loopback: nothing listens there, so a request fails at once. */
export const NOWHERE = 'http://127.0.0.1:9'

export const me: Agent = {
  id: 'me',
  name: 'Alex',
  email: 'alex@example.test',
  role: 'limited',
  language: 'en',
  active: true,
  status: 'online',
  presence: 'online',
  createdAt: '2026-11-01T09:00:00.000Z',
}

export const conv = (over: Partial<Conversation> = {}): Conversation => ({
  id: 'c1',
  channel: 'web',
  status: 'open',
  visitor: { id: 'v1', number: 1, name: null, email: null },
  assignee: null,
  lastSeq: 1,
  lastMessage: { preview: 'hi', at: '2026-11-30T09:00:00.000Z', author: 'visitor', agent: null },
  waitingSince: '2026-11-30T09:00:00.000Z',
  createdAt: '2026-11-30T09:00:00.000Z',
  resolvedAt: null,
  resolvedBy: null,
  rating: null,
  tags: [],
  group: null,
  ...over,
})

export const msg = (id: string, seq: number, over: Partial<Message> = {}): Message => ({
  id,
  conversationId: 'c1',
  seq,
  authorType: 'visitor',
  authorId: null,
  authorName: null,
  body: id,
  clientId: null,
  channel: 'web',
  deliveryStatus: 'received',
  deliveryCode: null,
  deliveryError: null,
  createdAt: '2026-11-30T09:00:00.000Z',
  attachments: [],
  ...over,
})

export const visitor = (over: Partial<Visitor> = {}): Visitor => ({
  id: 'v1',
  number: 1,
  externalId: null,
  name: null,
  email: null,
  emailSource: null,
  phone: null,
  note: '',
  noteUpdatedAt: null,
  noteUpdatedBy: null,
  variables: {},
  ip: null,
  location: null,
  os: null,
  browser: null,
  referrer: null,
  currentPage: null,
  online: true,
  createdAt: '2026-11-30T09:00:00.000Z',
  lastSeenAt: '2026-11-30T09:00:00.000Z',
  ...over,
})

/** A signed-in dashboard with an API that cannot be reached, and the frames it sends. */
export function signedIn(agent: Agent = me) {
  const d = new Dashboard(new ApiClient(NOWHERE), ['en'])
  const sent: ClientFrame[] = []
  d.socket = {
    send: (f) => {
      sent.push(f)
      return true
    },
  }
  d.session.signedIn(agent, 'csrf')
  return { d, sent }
}

/** Lets queued change events fire (stores coalesce changes into one event per task). */
export const settle = () => new Promise<void>((r) => setTimeout(r, 0))

/**
 * Records which stores dispatch their change event from now on (what was pending before is let
 * fire first); `take()` settles and returns them, then starts over.
 */
export async function watch(d: Dashboard) {
  await settle()
  const stores: Store[] = [d.session, d.settings, d.lists, d.thread, d.visitor, d.team]
  let fired = new Set<StoreName>()
  for (const s of stores) s.onChange(() => fired.add(s.name))
  return {
    async take(): Promise<StoreName[]> {
      await settle()
      const out = [...fired].sort()
      fired = new Set()
      return out
    },
  }
}

/** An API whose reads wait until the test answers them, by view (list reads) or path. */
export class HeldApi extends ApiClient {
  held = new Map<string, ((page: unknown) => void)[]>()
  reads: string[] = []
  override get<T>(path: string): Promise<T> {
    const view = new URLSearchParams(path.split('?')[1]).get('view') ?? path
    this.reads.push(view)
    return new Promise<T>((resolve) => this.held.set(view, [...(this.held.get(view) ?? []), resolve as (page: unknown) => void]))
  }
  answer(view: string, items: unknown[]): void {
    this.reply(view, { items, nextCursor: null })
  }
  /** Answers every read of `key` waiting now. */
  reply(key: string, body: unknown): void {
    for (const resolve of this.held.get(key)!) resolve(body)
    this.held.delete(key)
  }
}

/** A signed-in dashboard whose reads wait for the test's answers. */
export function signedInHeld(agent: Agent = me) {
  const api = new HeldApi(NOWHERE)
  const d = new Dashboard(api, ['en'])
  d.session.signedIn(agent, 'csrf')
  return { d, api }
}
