// A widget's token checks: every HTTP request and socket of a widget passes authenticateVisitor;
// the checks that arrive together share one statement per pool, each answered as if alone.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createTestDb, recordingPool, type TestDb } from '../../db/testing.ts'
import { authenticateVisitor, createWebVisitor } from './visitors.usecases.ts'

let db: TestDb
beforeAll(async () => {
  db = await createTestDb()
})
afterAll(() => db.drop())

test('checks made together are one lookup; each gets its own visitor, or null', async () => {
  const visitors = await Promise.all(Array.from({ length: 5 }, () => createWebVisitor({ sql: db.sql })))
  const { sql, statements } = recordingPool(db.sql)
  const lookups = () => statements('from visitor_tokens')
  const tokens = [...visitors.map((v) => v.token), 'forged-token', visitors[2]!.token, '', 'x'.repeat(201)]
  const found = await Promise.all(tokens.map((t) => authenticateVisitor({ sql }, t)))
  expect(found.map((v) => v?.id ?? null)).toEqual([...visitors.map((v) => v.visitor.id), null, visitors[2]!.visitor.id, null, null])
  expect(lookups()).toBe(1)
  // One alone waits for nobody: its own lookup.
  expect((await authenticateVisitor({ sql }, visitors[0]!.token))?.id).toBe(visitors[0]!.visitor.id)
  expect(lookups()).toBe(2)
})
