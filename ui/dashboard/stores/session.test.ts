// The session store: the signed-in agent, the language, the connection, the team's statuses.
import { describe, expect, it } from 'bun:test'
import { ApiClient, ApiError } from '../../shared/api.ts'
import { SessionStore } from './session.ts'
import { me, NOWHERE, settle, signedIn, signedInHeld, watch } from './stores.testing.ts'

describe('session store', () => {
  it("takes the agent's own language at sign-in, whatever the browser prefers", () => {
    const s = new SessionStore(new ApiClient(NOWHERE), ['de-DE', 'de'])
    expect(s.lang).toBe('de')
    s.signedIn({ ...me, language: 'pl' }, 'token')
    expect(s.lang).toBe('pl')
    expect(s.api.csrfToken).toBe('token')
    expect(s.errorText(new ApiError(0, 'network', 'down'))).toBe(s.t('error.network'))
    expect(s.errorText(new ApiError(0, 'network', 'down'))).not.toBe(new SessionStore(new ApiClient(NOWHERE), ['en']).t('error.network'))
    // The database away (or out of room) says so, not "something went wrong".
    expect(s.errorText(new ApiError(503, 'database.unavailable', 'retry', null, 1))).toBe(s.t('error.unavailable'))
    expect(s.t('error.unavailable')).not.toBe(s.t('error.generic'))
  })

  it("updates a colleague's status and my own from presence frames, and changes nothing else", async () => {
    const { d } = signedIn()
    d.session.agents = [me, { ...me, id: 'jana', name: 'Jana' }]
    const changes = await watch(d)
    const presence = (agentId: string, status: 'online' | 'away' | 'offline') =>
      d.handleFrame({ type: 'presence', presence: { agentId, presence: status, status, connected: true } })
    presence('jana', 'away')
    expect(d.session.agents.find((a) => a.id === 'jana')?.presence).toBe('away')
    expect(await changes.take()).toEqual(['session'])
    presence('me', 'offline')
    expect(d.session.me?.status).toBe('offline')
    expect(await changes.take()).toEqual(['session'])
  })

  it("keeps a colleague's presence that changed while the team was read", async () => {
    const { d, api } = signedInHeld()
    const read = d.session.loadAgents()
    await settle()
    d.handleFrame({ type: 'presence', presence: { agentId: 'jana', presence: 'offline', status: 'online', connected: false } })
    api.reply('/api/agents', [me, { ...me, id: 'jana', name: 'Jana', presence: 'online' }])
    await read
    expect(d.session.agents.find((a) => a.id === 'jana')?.presence).toBe('offline')
  })

  it('says a lost connection only after the socket was open once', () => {
    const s = new SessionStore(new ApiClient(NOWHERE), ['en'])
    s.setConnection('connecting')
    expect(s.everConnected).toBe(false)
    s.setConnection('open')
    s.setConnection('closed')
    expect(s.everConnected).toBe(true)
    s.signedOut()
    expect([s.me, s.everConnected]).toEqual([null, false])
  })

  it('puts the status back when the server cannot store it', async () => {
    const { d } = signedIn()
    await expect(d.session.setStatus('away')).rejects.toBeInstanceOf(ApiError)
    expect(d.session.me?.status).toBe('online')
  })
})
