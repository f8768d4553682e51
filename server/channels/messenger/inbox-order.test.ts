// A page's stored deliveries are handled in the order they came, one at a time across every
// process: a second process never takes a page's later delivery while another works on an earlier
// one (one person's messages would swap places), but takes another page's at once.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestDb, type TestDb } from '../../db/testing.ts'
import { createSql } from '../../db/client.ts'
import * as repo from './messenger.repo.ts'

let db: TestDb
let other: ReturnType<typeof createSql>
beforeAll(async () => {
  db = await createTestDb()
  // The second process's connection.
  other = createSql(db.url, { max: 2 })
})
afterAll(async () => {
  await other.end({ timeout: 1 })
  await db.drop()
})

const ids: string[] = []
const deliver = async (pageId: string, text: string) => {
  const id = Bun.randomUUIDv7()
  ids.push(id)
  await repo.insertInbox(db.sql, { id, pageId, body: { text } })
  return id
}

describe("a page's deliveries across processes", () => {
  it('are claimed oldest first, one at a time per page, while other pages go on', async () => {
    const p1 = await deliver('1001', 'first of page 1001')
    const p2 = await deliver('1001', 'second of page 1001')
    const q1 = await deliver('2002', 'first of page 2002')

    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    let claimedFirst!: (id: string | null) => void
    const first = new Promise<string | null>((r) => (claimedFirst = r))
    // Process A takes the oldest delivery and is still working on it.
    const a = db.sql.begin(async (tx) => {
      const row = await repo.claimInbox(tx)
      claimedFirst(row?.id ?? null)
      await held
      if (row) await repo.deleteInbox(tx, row.id)
    })
    expect(await first).toBe(p1)

    // Process B: not page 1001's second delivery (it waits for the first), but page 2002's.
    const seen: (string | null)[] = []
    await other.begin(async (tx) => {
      seen.push((await repo.claimInbox(tx))?.id ?? null)
      // Nothing else may be taken meanwhile (a third process).
      await other.begin(async (tx2) => {
        seen.push((await repo.claimInbox(tx2))?.id ?? null)
      })
    })
    expect(seen).toEqual([q1, null])

    // Once A is done, page 1001's second delivery is next.
    release()
    await a
    const next = await other.begin(async (tx) => (await repo.claimInbox(tx))?.id ?? null)
    expect(next).toBe(p2)
  })

  it('keeps a later delivery waiting behind an earlier one that waits for its retry', async () => {
    await db.sql`delete from messenger_inbox`
    const early = await deliver('3003', 'failed once')
    const late = await deliver('3003', 'came after')
    await repo.retryInbox(db.sql, early, 'the database was away', 60_000)
    expect(await db.sql.begin(async (tx) => (await repo.claimInbox(tx))?.id ?? null)).toBeNull()
    await db.sql`update messenger_inbox set next_attempt_at = now() where id = ${early}`
    expect(await db.sql.begin(async (tx) => (await repo.claimInbox(tx))?.id ?? null)).toBe(early)
    // A delivery given up on (failed for good) no longer holds the page up.
    await repo.retryInbox(db.sql, early, 'broken for good', null)
    expect(await db.sql.begin(async (tx) => (await repo.claimInbox(tx))?.id ?? null)).toBe(late)
  })
})
