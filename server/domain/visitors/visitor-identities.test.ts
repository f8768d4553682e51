// A visitor's identities on the channels: who a mail from an address belongs to.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestDb, type TestDb } from '../../db/testing.ts'
import { findOrCreateVisitorByEmail, rememberEmailAddress } from './visitors.usecases.ts'

let db: TestDb
beforeAll(async () => {
  db = await createTestDb()
})
afterAll(() => db.drop())

const identities = async (visitorId: string) =>
  (await db.sql<{ channel: string; externalId: string }[]>`
    select channel::text, external_id from visitor_identities where visitor_id = ${visitorId} order by external_id`).map((r) => `${r.channel}:${r.externalId}`)

describe('visitors known by e-mail address', () => {
  it('makes one visitor for a new address, whatever its case, and records the address as their identity', async () => {
    const a = await db.sql.begin((tx) => findOrCreateVisitorByEmail(tx, { address: 'Nina@Visitor.test', name: 'Nina' }))
    const b = await db.sql.begin((tx) => findOrCreateVisitorByEmail(tx, { address: 'nina@visitor.test', name: null }))
    expect(b).toBe(a)
    expect(await identities(a)).toEqual(['email:nina@visitor.test'])
    const [v] = await db.sql<{ name: string; email: string; emailSource: string }[]>`select name, email, email_source from visitors where id = ${a}`
    expect(v).toEqual({ name: 'Nina', email: 'Nina@Visitor.test', emailSource: 'email' })
  })

  it('makes one visitor when two mails from a new address arrive at once', async () => {
    const [a, b] = await Promise.all([
      db.sql.begin((tx) => findOrCreateVisitorByEmail(tx, { address: 'twice@visitor.test', name: null })),
      db.sql.begin((tx) => findOrCreateVisitorByEmail(tx, { address: 'twice@visitor.test', name: null })),
    ])
    expect(b).toBe(a)
  })

  it('still finds the visitor by the address they wrote from after an agent changed the one on their card', async () => {
    const id = await db.sql.begin((tx) => findOrCreateVisitorByEmail(tx, { address: 'old@visitor.test', name: null }))
    await db.sql`update visitors set email = 'new@visitor.test' where id = ${id}`
    expect(await db.sql.begin((tx) => findOrCreateVisitorByEmail(tx, { address: 'old@visitor.test', name: null }))).toBe(id)
  })

  it("adds a reply's address to the visitor's identities without taking another visitor's", async () => {
    const owner = await db.sql.begin((tx) => findOrCreateVisitorByEmail(tx, { address: 'taken@visitor.test', name: null }))
    const other = await db.sql.begin((tx) => findOrCreateVisitorByEmail(tx, { address: 'other@visitor.test', name: null }))
    await rememberEmailAddress(db.sql, other, 'Taken@visitor.test')
    await rememberEmailAddress(db.sql, other, 'second@visitor.test')
    expect(await identities(owner)).toEqual(['email:taken@visitor.test'])
    expect(await identities(other)).toEqual(['email:other@visitor.test', 'email:second@visitor.test'])
  })
})
