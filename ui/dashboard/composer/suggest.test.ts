import { describe, expect, it } from 'bun:test'
import { fillPlaceholders, filterAgents, filterCanned, triggerAt } from './suggest.ts'

describe('the composer pickers', () => {
  it('opens the canned list for a / at the start of a line only', () => {
    expect(triggerAt('/hel', 4, false)).toEqual({ kind: 'canned', start: 0, query: 'hel' })
    expect(triggerAt('Hi\n/', 4, false)).toEqual({ kind: 'canned', start: 3, query: '' })
    expect(triggerAt('see https://x.test/a', 20, false)).toBeNull()
    expect(triggerAt('and/or', 6, false)).toBeNull()
  })

  it('opens the mention list for an @ after a space, in notes only, not in an e-mail address', () => {
    expect(triggerAt('ask @Al', 7, true)).toEqual({ kind: 'mention', start: 4, query: 'al' })
    expect(triggerAt('@', 1, true)).toEqual({ kind: 'mention', start: 0, query: '' })
    expect(triggerAt('ask @Al', 7, false)).toBeNull()
    expect(triggerAt('mail ann@example.com', 20, true)).toBeNull()
  })

  it('filters shortcuts by prefix first, and agents by any word of their name', () => {
    const canned = [{ shortcut: 'thanks' }, { shortcut: 'hello' }, { shortcut: 'ohello' }]
    expect(filterCanned(canned, 'hel').map((c) => c.shortcut)).toEqual(['hello', 'ohello'])
    const agents = [{ name: 'Alex Smith' }, { name: 'Bea Jones' }]
    expect(filterAgents(agents, 'smi').map((a) => a.name)).toEqual(['Alex Smith'])
    expect(filterAgents(agents, 'alex s').map((a) => a.name)).toEqual(['Alex Smith'])
  })

  it('fills the placeholders, with the neutral word for a visitor without a name', () => {
    const f = { visitorName: 'Vera Novak', visitorEmail: 'vera@example.com', agentName: 'Alex', fallback: 'there' }
    expect(fillPlaceholders('Hi {visitor.name}, {agent.name} here ({visitor.email}). {visitor.first_name}! {other}', f)).toBe(
      'Hi Vera Novak, Alex here (vera@example.com). Vera! {other}',
    )
    expect(fillPlaceholders('Hello {visitor.name}!', { ...f, visitorName: null })).toBe('Hello there!')
  })
})
