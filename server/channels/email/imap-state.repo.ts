// Where the IMAP reader is in a mailbox: its UIDVALIDITY and the last UID fully handled.
import type { Db } from '../../db/client.ts'

export interface ImapState {
  uidValidity: bigint
  lastUid: number
}

export async function readState(db: Db, key: string): Promise<ImapState | null> {
  const [row] = await db<{ uidValidity: string; lastUid: string }[]>`
    select uid_validity::text, last_uid::text from email_imap_state where mailbox_key = ${key}`
  return row ? { uidValidity: BigInt(row.uidValidity), lastUid: Number(row.lastUid) } : null
}

/** A new mailbox, or one whose UIDVALIDITY changed: start over at `lastUid`. */
export async function resetState(db: Db, key: string, uidValidity: bigint, lastUid: number): Promise<void> {
  await db`
    insert into email_imap_state (mailbox_key, uid_validity, last_uid) values (${key}, ${uidValidity.toString()}, ${lastUid})
    on conflict (mailbox_key) do update set uid_validity = excluded.uid_validity, last_uid = excluded.last_uid, updated_at = now()`
}

/** Moves forward only, and only within the same UIDVALIDITY. */
export async function advance(db: Db, key: string, uidValidity: bigint, uid: number): Promise<void> {
  await db`
    update email_imap_state set last_uid = greatest(last_uid, ${uid}), updated_at = now()
    where mailbox_key = ${key} and uid_validity = ${uidValidity.toString()}`
}

const READER_LOCK = 0x70726c69 // 'prli': one IMAP reader per database

/** Takes the reader's session-level lock on a reserved connection; false when another process has it. */
export async function tryReaderLock(db: Db): Promise<boolean> {
  const [row] = await db<{ ok: boolean }[]>`select pg_try_advisory_lock(${READER_LOCK}) as ok`
  return row?.ok ?? false
}

export async function releaseReaderLock(db: Db): Promise<void> {
  await db`select pg_advisory_unlock(${READER_LOCK})`
}
