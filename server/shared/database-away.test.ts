// Background work says once that the database is away, and once that it is back.
import { expect, test } from 'bun:test'
import { DatabaseAwayLog } from './database-away.ts'
import { createLogger } from './logger.ts'

test('the database away is said once per outage, without a stack; other failures are left to the caller', () => {
  const lines: { level: string; msg: string; code?: string; error?: unknown }[] = []
  const away = new DatabaseAwayLog(createLogger('debug', (l) => lines.push(JSON.parse(l))), 'heartbeat', 'trying again every 10 s')
  expect(away.failed(new TypeError('a fault'))).toBe(false)
  away.ok()
  expect(lines).toEqual([])
  for (const code of ['ECONNREFUSED', '57P01', '53300', 'CONNECTION_CLOSED']) expect(away.failed(Object.assign(new Error(code), { code }))).toBe(true)
  expect(away.away).toBe(true)
  away.ok()
  away.ok()
  expect(away.failed(Object.assign(new Error('again'), { code: '08006' }))).toBe(true)
  expect(lines.map((l) => [l.level, l.msg, l.code])).toEqual([
    ['warn', 'heartbeat: the database is unavailable; trying again every 10 s', 'ECONNREFUSED'],
    ['info', 'heartbeat: the database is back; working again', undefined],
    ['warn', 'heartbeat: the database is unavailable; trying again every 10 s', '08006'],
  ])
  expect(lines.every((l) => l.error === undefined)).toBe(true)
})
