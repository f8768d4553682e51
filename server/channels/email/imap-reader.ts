// Reads the support mailbox over IMAP: IDLE when the server has it, and a poll every few seconds
// regardless, so a server whose IDLE goes quiet (or that has none) still delivers. One process per
// database reads (a session advisory lock); the others stand by and take over if it goes away.
//
// Nothing is lost or doubled across restarts: the mailbox's UIDVALIDITY and the last UID handled
// are stored; each mail is committed (the visitor's message, then the UID) before it is flagged
// \Seen; and the import itself is idempotent by Message-ID, so the one mail in flight when the
// process died is found again and stored once.
import type { ImapFlow, MailboxObject } from 'imapflow'
import type { Sql } from '../../db/client.ts'
import type { EventBus } from '../../events/bus.ts'
import type { Logger } from '../../shared/logger.ts'
import type { EmailSettings, ImapSettings } from './settings.usecases.ts'
import * as state from './imap-state.repo.ts'
import { importMail, type ImportOutcome, type InboundMail } from './inbound.usecases.ts'
import { createImapClient, describeImapError } from './imap.ts'
import { mailErrorCode, type MailErrorCode } from './mail-errors.ts'
import { parseMail } from './parse.ts'
import { Wakeable } from '../../jobs/wakeable.ts'

/** Mail larger than this is imported from its headers and first text part only. */
export const MAX_SOURCE_BYTES = 30 * 1024 * 1024

export type ReaderState = 'off' | 'standby' | 'connecting' | 'idle' | 'polling' | 'error'

export interface ReaderStatus {
  state: ReaderState
  error: string | null
  /** Why the mailbox cannot be read, for the settings page to word (error is the server's text). */
  errorCode: MailErrorCode | null
  lastCheckAt: Date | null
}

export interface ImapReaderOptions {
  sql: Sql
  bus: EventBus
  log: Logger
  settings(): Promise<EmailSettings>
  pollMs: number
  /** Test seam: called after each mail is committed and before it is flagged seen. */
  afterImport?: (uid: number, outcome: ImportOutcome) => void | Promise<void>
}

export const mailboxKey = (s: ImapSettings) => `${s.user.toLowerCase()}@${s.host.toLowerCase()}:${s.port}/${s.mailbox}`

export class ImapReader {
  private running = false
  private loop: Promise<void> | null = null
  private signal = new Wakeable()
  private client: ImapFlow | null = null
  private current: ReaderStatus = { state: 'off', error: null, errorCode: null, lastCheckAt: null }

  constructor(private options: ImapReaderOptions) {}

  status(): ReaderStatus {
    return { ...this.current }
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.loop = this.run()
  }

  async stop(): Promise<void> {
    this.running = false
    this.signal.wake()
    this.client?.close()
    await this.loop
  }

  /** Settings changed, or a test wants the mailbox checked now. */
  wake(): void {
    this.signal.wake()
  }

  private set(s: ReaderState, error: string | null = null, errorCode: MailErrorCode | null = null): void {
    this.current = { ...this.current, state: s, error, errorCode }
  }

  private async run(): Promise<void> {
    let failures = 0
    while (this.running) {
      const settings = await this.options.settings().catch(() => null)
      if (!settings?.imap) {
        this.set('off')
        await this.signal.sleep(Math.min(this.options.pollMs, 10_000))
        continue
      }
      const conn = await this.options.sql.reserve().catch(() => null)
      if (!conn) {
        await this.signal.sleep(1000)
        continue
      }
      try {
        if (!(await state.tryReaderLock(conn))) {
          this.set('standby')
          await this.signal.sleep(Math.min(this.options.pollMs, 10_000))
          continue
        }
        try {
          await this.session(settings)
          failures = 0
        } catch (error) {
          if (!this.running) break
          failures++
          const message = describeImapError(error)
          this.set('error', message, mailErrorCode(error))
          this.options.log.warn('imap: mailbox session ended', { error: message, failures })
          await this.signal.sleep(Math.min(1000 * 2 ** Math.min(failures, 6), 60_000))
        } finally {
          await state.releaseReaderLock(conn).catch(() => {})
        }
      } finally {
        conn.release()
      }
    }
    this.set('off')
  }

  /** One connection: sync, then wait (IDLE or poll) and sync again, until stopped or reconfigured. */
  private async session(settings: EmailSettings): Promise<void> {
    const imap = settings.imap!
    this.set('connecting')
    const client = createImapClient(imap)
    this.client = client
    let closed: Error | null = null
    client.on('error', (e: Error) => {
      closed = e
      this.signal.wake()
    })
    client.on('close', () => {
      closed ??= new Error('the IMAP server closed the connection')
      this.signal.wake()
    })
    client.on('exists', () => this.signal.wake())
    try {
      await client.connect()
      const lock = await client.getMailboxLock(imap.mailbox)
      try {
        const idle = client.capabilities.has('IDLE')
        while (this.running && !closed) {
          await this.sync(client, imap)
          this.current.lastCheckAt = new Date()
          this.set(idle ? 'idle' : 'polling')
          const latest = await this.options.settings()
          if (latest.version !== settings.version) return
          if (idle) client.idle().catch(() => {})
          await this.signal.sleep(this.options.pollMs)
        }
        if (closed && this.running) throw closed
      } finally {
        lock.release()
      }
    } finally {
      this.client = null
      await client.logout().catch(() => client.close())
    }
  }

  /** Mailboxes whose last handled mail was flagged \Seen since this process started reading. */
  private lastFlagged = new Set<string>()

  /** Imports every mail after the last UID handled, in UID order. */
  private async sync(client: ImapFlow, imap: ImapSettings): Promise<void> {
    const box = client.mailbox as MailboxObject
    const key = mailboxKey(imap)
    let st = await state.readState(this.options.sql, key)
    let onlyUnseen = false
    if (!st || st.uidValidity !== box.uidValidity) {
      // A new mailbox, or its UIDs were reassigned: start over from the oldest unread mail.
      // (Mail read before Parley was set up is left alone; Message-IDs already imported are skipped.)
      const unseen = (await client.search({ seen: false }, { uid: true })) || []
      const start = unseen.length ? Math.min(...unseen) - 1 : Math.max(box.uidNext - 1, 0)
      if (st) this.options.log.warn('imap: UIDVALIDITY changed; scanning unread mail again', { mailbox: key })
      await state.resetState(this.options.sql, key, box.uidValidity, start)
      st = { uidValidity: box.uidValidity, lastUid: start }
      onlyUnseen = true
    } else if (!this.lastFlagged.has(key) && st.lastUid > 0) {
      // A process killed after storing a mail and before flagging it left that one mail (the last
      // handled, only ever one) unread: flagged once when reading resumes.
      await client.messageFlagsAdd(String(st.lastUid), ['\\Seen'], { uid: true })
    }
    this.lastFlagged.add(key)
    const found = (await client.search(onlyUnseen ? { uid: `${st.lastUid + 1}:*`, seen: false } : { uid: `${st.lastUid + 1}:*` }, { uid: true })) || []
    const uids = found.filter((u) => u > st.lastUid).sort((a, b) => a - b)
    for (const uid of uids) {
      if (!this.running) return
      const outcome = await this.importOne(client, uid)
      await state.advance(this.options.sql, key, box.uidValidity, uid)
      await this.options.afterImport?.(uid, outcome)
      await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true })
    }
  }

  private async importOne(client: ImapFlow, uid: number): Promise<ImportOutcome> {
    const meta = await client.fetchOne(String(uid), { size: true }, { uid: true })
    if (!meta) return { kind: 'duplicate' }
    let mail: InboundMail
    try {
      if ((meta.size ?? 0) > MAX_SOURCE_BYTES) {
        const head = await client.fetchOne(String(uid), { headers: true }, { uid: true })
        mail = await parseMail(Buffer.concat([head ? Buffer.from(head.headers ?? '') : Buffer.alloc(0), Buffer.from('\r\n')]))
        mail.text = mail.fullText = `[This e-mail is ${Math.round((meta.size ?? 0) / 1024 / 1024)} MB, too large to import; it stays in the mailbox.]`
      } else {
        const msg = await client.fetchOne(String(uid), { source: true }, { uid: true })
        if (!msg || !msg.source) return { kind: 'duplicate' }
        mail = await parseMail(msg.source)
      }
    } catch (error) {
      this.options.log.warn('imap: a mail could not be read and was skipped', { uid, error })
      return { kind: 'ignored', reason: 'rejected' }
    }
    const outcome = await importMail(this.options, mail)
    this.options.log.info('imap: mail handled', { uid, messageId: mail.messageId, outcome: outcome.kind })
    return outcome
  }
}
