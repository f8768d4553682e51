// A widget's token checks: every HTTP request and socket of a widget passes authenticateVisitor;
// the checks that arrive together share one statement per pool, each answered as if alone.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Sql } from '../../db/client.ts'
import { createTestDb, type TestDb } from '../../db/testing.ts'
import { authenticateVisitor, createWebVisitor } from './visitors.usecases.ts'

let db: TestDb
beforeAll(async () => {
  db = await createTestDb()
})
afterAll(() => db.drop())

/** The pool, counting the token lookups sent through it. */
function counted(): { sql: Sql; lookups: () => number } {
  let n = 0
  const sql = new Proxy(db.sql, {
    apply(target, self, args) {
      if (Array.isArray(args[0]) && (args[0] as string[]).join('').includes('from visitor_tokens')) n++
      return Reflect.apply(target as never, self, args)
    },
  })
  return { sql, lookups: () => n }
}

test('checks made together are one lookup; each gets its own visitor, or null', async () => {
  const visitors = await Promise.all(Array.from({ length: 5 }, () => createWebVisitor({ sql: db.sql })))
  const { sql, lookups } = counted()
  const tokens = [...visitors.map((v) => v.token), 'forged-token', visitors[2]!.token, '', 'x'.repeat(201)]
  const found = await Promise.all(tokens.map((t) => authenticateVisitor({ sql }, t)))
  expect(found.map((v) => v?.id ?? null)).toEqual([...visitors.map((v) => v.visitor.id), null, visitors[2]!.visitor.id, null, null])
  expect(lookups()).toBe(1)
  // One alone waits for nobody: its own lookup.
  expect((await authenticateVisitor({ sql }, visitors[0]!.token))?.id).toBe(visitors[0]!.visitor.id)
  expect(lookups()).toBe(2)
})
