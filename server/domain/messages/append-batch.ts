// Group commit for visitors' messages. Under load, each message committing on its own costs
// PostgreSQL a statement, a transaction and a WAL flush per message, and that was the chat
// path's limit. Here the messages that arrive while one batch is in the database wait together
// and go in as ONE statement: every conversation locked once (in id order, so two processes'
// batches never deadlock), sequence numbers taken in arrival order, the list columns updated once
// per conversation, every message inserted. The batch is one transaction: each caller's promise
// resolves only after it committed, so an ack still means "stored".
//
// With nothing in flight a message goes at once (the next turn of the event loop), so a quiet
// server answers as fast as before; the busier it gets, the more each commit carries.
//
// A message the batch does not store resolves to null and the caller takes the one-message path,
// which gives the exact answer: a client id seen before (the original is answered), a
// conversation that is not this visitor's (404), or a batch that failed as a whole (a concurrent
// retry of the same client id from another process, for one). Nothing is ever half-stored: the
// statement commits all of its messages or none.
import type { Sql } from '../../db/client.ts'
import type { Channel, ConversationStatus, ViewRow } from '../conversations/conversations.repo.ts'
import { toView } from '../conversations/conversations.repo.ts'
import type { Appended } from './messages.repo.ts'

export interface VisitorAppend {
  id: string
  conversationId: string
  visitorId: string
  body: string
  preview: string
  clientId: string | null
  channel: Channel
}

type Row = ViewRow & { batchOrds: number[]; batchCount: number; previousStatus: ConversationStatus; messageCreatedAt: Date }

/**
 * Stores the messages in one statement; the map holds those it stored, by message id. The plan
 * must stay linear in the batch whatever PostgreSQL guesses about row counts (a guess of one row
 * once made it re-run the duplicate check for every pair of messages): the duplicate check is
 * its own materialized step, one index probe per message (OFFSET 0 keeps PostgreSQL from
 * turning EXISTS into a hash of the whole messages table, which a generic plan did);
 * conversations are found by primary key; the messages' numbers come from the locked rows, so no
 * result joins another. The answer is one row
 * per conversation: its view and which messages (by position) it took, in order.
 */
export async function appendVisitorMessages(sql: Sql, items: VisitorAppend[]): Promise<Map<string, Appended>> {
  if (items.length === 0) return new Map()
  const rows = await sql<Row[]>`
    with input as (
      select * from unnest(
        ${items.map((i) => i.id)}::uuid[], ${items.map((i) => i.conversationId)}::uuid[], ${items.map((i) => i.visitorId)}::uuid[],
        ${items.map((i) => i.body)}::text[], ${items.map((i) => i.preview)}::text[], ${items.map((i) => i.clientId)}::text[],
        ${items.map((i) => i.channel)}::channel_kind[]
      ) with ordinality as t(id, conversation_id, visitor_id, body, preview, client_id, channel, ord)
    ), checked as materialized (
      -- once per message: was this client id stored before? (OFFSET 0 keeps it an index probe)
      select i.*, i.client_id is not null
          and exists (select 1 from messages m where m.author_id = i.visitor_id and m.client_id = i.client_id offset 0) as seen
      from input i
    ), old as (
      select c.id, c.visitor_id, c.status, c.last_seq from conversations c
      where c.id = any(${items.map((i) => i.conversationId)}::uuid[])
      order by c.id
      for update
    ), fresh as (
      select i.*, old.status as old_status,
        old.last_seq + row_number() over (partition by i.conversation_id order by i.ord) as seq
      from checked i join old on old.id = i.conversation_id
      where old.visitor_id = i.visitor_id and not i.seen
    ), agg as (
      select conversation_id, old_status, count(*)::int as k, max(seq)::int as last_seq,
        (array_agg(preview order by ord desc))[1] as preview, array_agg(ord::int order by ord) as ords
      from fresh group by conversation_id, old_status
    ), conv as (
      update conversations c set
        last_seq = agg.last_seq,
        last_message_at = now(),
        last_message_preview = agg.preview,
        last_message_author = 'visitor',
        waiting_since = coalesce(c.waiting_since, now()),
        status = 'open',
        resolved_at = null,
        resolved_by = null,
        updated_at = now()
      from agg where c.id = agg.conversation_id
      returning c.*, agg.k as batch_count, agg.ords as batch_ords, agg.old_status as previous_status
    ), msg as (
      insert into messages (id, conversation_id, seq, author_type, author_id, body, client_id, channel, delivery_status)
      select id, conversation_id, seq, 'visitor', visitor_id, body, client_id, channel, 'received' from fresh
    )
    select conv.*, now() as message_created_at,
      v.number as visitor_number, v.name as visitor_name, v.email as visitor_email, a.name as assignee_name, null as sort_key
    from conv
    join visitors v on v.id = conv.visitor_id
    left join agents a on a.id = conv.assignee_id`
  const out = new Map<string, Appended>()
  for (const row of rows) {
    const conversation = toView(row)
    const firstSeq = row.lastSeq - row.batchCount + 1
    row.batchOrds.forEach((ord, i) => {
      const item = items[ord - 1]!
      out.set(item.id, {
        conversation,
        // Only the conversation's first message in this batch saw its old status; the rest saw it open.
        previous: { status: i === 0 ? row.previousStatus : 'open', assigneeId: row.assigneeId },
        message: {
          id: item.id,
          conversationId: row.id,
          seq: firstSeq + i,
          authorType: 'visitor',
          authorId: item.visitorId,
          authorName: null,
          body: item.body,
          clientId: item.clientId,
          channel: item.channel,
          deliveryStatus: 'received',
          deliveryError: null,
          // messages.created_at defaults to now(): the transaction's time, the same for the batch
          createdAt: row.messageCreatedAt,
        },
      })
    })
  }
  return out
}

interface Waiting {
  item: VisitorAppend
  done: (r: Appended | null) => void
}

/**
 * Queues visitors' messages and stores them a batch at a time, on connections of its own: batches
 * never wait for a pool connection behind other queries, and those connections plan the
 * statement once (generic plan) instead of for every batch — planning was half of a small
 * batch's cost. Up to `lanes` batches are in the database at once, each taking the next messages
 * when its statement commits; lanes lock conversations in the same order, so they never deadlock.
 */
export class VisitorMessageBatcher {
  private queue: Waiting[] = []
  private running = 0
  /** Client ids of the messages in batches now in the database. */
  private inFlight = new Set<string>()
  private idleWaiters: (() => void)[] = []
  /** Statements run, messages they carried, statements that failed as a whole. */
  readonly stats = { batches: 0, messages: 0, failed: 0 }

  constructor(
    private sql: Sql,
    private onBatchError: (error: unknown, size: number) => void = () => {},
    private lanes = 1,
    /**
     * Under load (the last batch carried more than one message), a lane starts a batch at most
     * this often, so each carries more: a statement's fixed cost (start-up, commit) was most of
     * PostgreSQL's time when batches held about five messages. A lone message never waits.
     */
    private minIntervalMs = 2,
    private maxBatch = 256,
  ) {}

  /** Resolves once the message is committed, or null: not stored by the batch (see above). */
  append(item: VisitorAppend): Promise<Appended | null> {
    return new Promise((done) => {
      this.queue.push({ item, done })
      if (this.running < this.lanes) {
        this.running++
        // Messages read in this turn of the event loop join the same batch.
        setImmediate(() => void this.lane())
      }
    })
  }

  private async lane(): Promise<void> {
    try {
      for (;;) {
        const started = performance.now()
        const batch = this.take()
        if (batch.length === 0) break
        const keys = batch.map((w) => keyOf(w.item)).filter((k): k is string => k !== null)
        for (const k of keys) this.inFlight.add(k)
        let stored: Map<string, Appended> | null = null
        this.stats.batches++
        this.stats.messages += batch.length
        try {
          stored = await appendVisitorMessages(this.sql, batch.map((w) => w.item))
        } catch (error) {
          this.stats.failed++
          this.onBatchError(error, batch.length)
        }
        for (const k of keys) this.inFlight.delete(k)
        for (const w of batch) w.done(stored?.get(w.item.id) ?? null)
        const wait = started + this.minIntervalMs - performance.now()
        if (batch.length > 1 && wait > 0) await new Promise((r) => setTimeout(r, wait))
      }
    } finally {
      this.running--
      // A message deferred behind one in flight, with no lane left to take it.
      if (this.queue.length > 0 && this.running === 0) {
        this.running++
        setImmediate(() => void this.lane())
      } else if (this.running === 0) for (const w of this.idleWaiters.splice(0)) w()
    }
  }

  /** Resolves when every queued message has been stored (or handed back): for shutdown. */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /**
   * The next batch, in arrival order. A message whose client id is already in this batch or in
   * one in the database (a retry that came while the first still waits) stays for a later batch,
   * where it is found as a duplicate.
   */
  private take(): Waiting[] {
    const batch: Waiting[] = []
    const rest: Waiting[] = []
    const keys = new Set<string>()
    for (const w of this.queue) {
      const key = keyOf(w.item)
      if (batch.length >= this.maxBatch || (key !== null && (keys.has(key) || this.inFlight.has(key)))) {
        rest.push(w)
        continue
      }
      if (key !== null) keys.add(key)
      batch.push(w)
    }
    this.queue = rest
    return batch
  }
}

const keyOf = (item: VisitorAppend): string | null => (item.clientId === null ? null : `${item.visitorId} ${item.clientId}`)
