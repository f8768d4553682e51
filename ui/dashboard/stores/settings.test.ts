// The settings store: the team settings the inbox works with.
import { describe, expect, it } from 'bun:test'
import { signedIn, watch } from './stores.testing.ts'

describe('settings store', () => {
  it('knows the groups I am a member of', () => {
    const { d } = signedIn()
    d.settings.groups = [
      { id: 'g1', key: 'sales', name: 'Sales', memberIds: ['me', 'x'] },
      { id: 'g2', key: 'support', name: 'Support', memberIds: ['x'] },
    ]
    expect([...d.settings.myGroupIds()]).toEqual(['g1'])
    d.session.signedOut()
    expect(d.settings.myGroupIds().size).toBe(0)
  })

  it('counts e-mail as unable to send when the server cannot say, and tells its readers', async () => {
    const { d } = signedIn()
    d.settings.emailOutbound = true
    const changes = await watch(d)
    await d.settings.loadEmailStatus()
    expect(d.settings.emailOutbound).toBe(false)
    expect(await changes.take()).toEqual(['settings'])
  })

  it('keeps the last wait warning when the server cannot be reached', async () => {
    const { d } = signedIn()
    await expect(d.settings.loadAttention()).rejects.toThrow()
    expect(d.settings.waitWarnMinutes).toBe(2)
  })
})
