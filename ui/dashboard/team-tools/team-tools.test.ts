// The team tools store: canned responses and a conversation's notes load on first use, and a failed
// load is tried again at a later use instead of leaving them out until a reload.
import { afterEach, describe, expect, it, setSystemTime } from 'bun:test'
import { settle, signedIn } from '../stores/stores.testing.ts'
import type { Canned } from './team-tools.ts'

const HELLO: Canned = { id: 'k1', scope: 'team', shortcut: 'hello', body: 'Hello!', updatedAt: '2026-12-03T00:00:00.000Z' }

afterEach(() => setSystemTime())

/** The dashboard's reads of `path` fail while `down`, then answer `body`; `reads` counts them. */
function flaky(d: ReturnType<typeof signedIn>['d'], path: string, body: unknown) {
  const api = { reads: 0, down: true }
  d.api.get = (async (p: string) => {
    expect(p).toBe(path)
    api.reads++
    if (api.down) throw new Error('network down')
    return body
  }) as typeof d.api.get
  return api
}

describe('team tools store', () => {
  it('loads the canned responses once, and again at a use 10 s after a load that failed', async () => {
    const { d } = signedIn()
    const api = flaky(d, '/api/canned', [HELLO])
    expect(d.team.cannedList()).toEqual([])
    await settle()
    expect({ reads: api.reads, error: d.team.cannedError }).toEqual({ reads: 1, error: true })
    // Every render asks; within 10 s of the failure nothing is read again.
    d.team.cannedList()
    d.team.cannedList()
    await settle()
    expect(api.reads).toBe(1)
    api.down = false
    setSystemTime(new Date(Date.now() + 11_000))
    d.team.cannedList()
    await settle()
    expect({ reads: api.reads, error: d.team.cannedError, list: d.team.cannedList() }).toEqual({ reads: 2, error: false, list: [HELLO] })
    // Loaded: no more reads.
    d.team.cannedList()
    await settle()
    expect(api.reads).toBe(2)
  })

  it("loads a conversation's notes again at a use 10 s after a load that failed", async () => {
    const { d } = signedIn()
    const note = { id: 'n1', conversationId: 'c1', authorId: 'a1', authorName: 'Ann', body: 'Check the stock', mentions: [], createdAt: '2026-12-03T00:00:00.000Z' }
    const api = flaky(d, '/api/conversations/c1/notes', [note])
    expect(d.team.notesFor('c1')).toEqual([])
    await settle()
    d.team.notesFor('c1')
    await settle()
    expect(api.reads).toBe(1)
    api.down = false
    setSystemTime(new Date(Date.now() + 11_000))
    d.team.notesFor('c1')
    await settle()
    expect({ reads: api.reads, notes: d.team.notesFor('c1').map((n) => n.id) }).toEqual({ reads: 2, notes: ['n1'] })
  })
})
