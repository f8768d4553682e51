// Meta's messaging window as one pure rule: RESPONSE for 24 hours, the HUMAN_AGENT tag up to 7 days
// only where the owner enabled it and only for what a person wrote.
import { describe, expect, it } from 'bun:test'
import { sendMode } from './window.ts'

const now = new Date('2026-11-30T12:00:00Z')
const ago = (hours: number) => new Date(now.getTime() - hours * 3600_000)

describe('the messaging window', () => {
  it('answers freely for 24 hours, with or without the tag enabled', () => {
    for (const humanAgentEnabled of [false, true]) {
      expect(sendMode({ lastInboundAt: ago(23.9), now, humanAgentEnabled, writtenByAgent: true }).kind).toBe('RESPONSE')
      expect(sendMode({ lastInboundAt: ago(1), now, humanAgentEnabled, writtenByAgent: false }).kind).toBe('RESPONSE')
    }
  })

  it('uses the HUMAN_AGENT tag between 24 hours and 7 days only when enabled and only for what an agent wrote', () => {
    expect(sendMode({ lastInboundAt: ago(30), now, humanAgentEnabled: true, writtenByAgent: true }).kind).toBe('HUMAN_AGENT')
    expect(sendMode({ lastInboundAt: ago(30), now, humanAgentEnabled: true, writtenByAgent: false })).toMatchObject({ kind: 'closed' })
    expect(sendMode({ lastInboundAt: ago(30), now, humanAgentEnabled: false, writtenByAgent: true })).toMatchObject({ kind: 'closed', reason: expect.stringContaining('HUMAN_AGENT tag is not enabled') })
  })

  it('sends nothing after 7 days, or to someone who never wrote', () => {
    expect(sendMode({ lastInboundAt: ago(7 * 24 + 0.1), now, humanAgentEnabled: true, writtenByAgent: true })).toMatchObject({ kind: 'closed', reason: expect.stringContaining('write again') })
    expect(sendMode({ lastInboundAt: null, now, humanAgentEnabled: true, writtenByAgent: true }).kind).toBe('closed')
  })
})
