// The pure rules of desktop notifications and Web Push, and the VAPID settings' parsing.
import { describe, expect, it } from 'bun:test'
import { createECDH } from 'node:crypto'
import { alertEventFor, checkEndpoint, cleanEvents, isKey, preview } from './push.rules.ts'
import { loadConfig } from '../../config.ts'
import { configError } from '../../testing/harness.ts'

const me = 'a1'
const open = (assignee: string | null) => ({ status: 'open', assignee: assignee ? { id: assignee } : null })

describe('which event a message is for an agent', () => {
  it("tells a new conversation, my conversation's messages and unassigned ones apart, and leaves a colleague's alone", () => {
    expect(alertEventFor(me, { authorType: 'visitor', seq: 1 }, open(null))).toBe('new_conversation')
    expect(alertEventFor(me, { authorType: 'visitor', seq: 4 }, open(null))).toBe('unassigned_message')
    expect(alertEventFor(me, { authorType: 'visitor', seq: 4 }, open(me))).toBe('my_message')
    expect(alertEventFor(me, { authorType: 'visitor', seq: 4 }, open('someone-else'))).toBeNull()
    expect(alertEventFor(me, { authorType: 'agent', seq: 2 }, open(null))).toBeNull()
    expect(alertEventFor(me, { authorType: 'visitor', seq: 2 }, { status: 'resolved', assignee: null })).toBeNull()
  })
})

describe('push endpoints and keys', () => {
  it('accepts https push services, refuses ones on this machine or a private network, and loopback http only when tests allow it', () => {
    expect(checkEndpoint('https://updates.push.services.mozilla.com/wpush/v2/abc', false)?.host).toBe('updates.push.services.mozilla.com')
    for (const bad of ['https://127.0.0.1/p', 'https://localhost/p', 'https://169.254.169.254/latest', 'https://[fd00::1]/p', 'https://192.168.0.10/p', 'http://127.0.0.1:9/p', 'http://push.example.com/p', 'ws://127.0.0.1/p', 'https://u:p@push.example.com/p', 'https://push.example.com/p#x', '', 'nonsense']) {
      expect({ bad, ok: checkEndpoint(bad, false) !== null }).toEqual({ bad, ok: false })
    }
    expect(checkEndpoint('http://127.0.0.1:9/p', true)?.port).toBe('9')
    expect(checkEndpoint('http://localhost:9/p', true)).not.toBeNull()
    expect(checkEndpoint('http://10.0.0.1/p', true)).toBeNull()
    expect(checkEndpoint(`https://push.example.com/${'a'.repeat(2100)}`, false)).toBeNull()
  })

  it('checks a key is base64url of the right length', () => {
    const ecdh = createECDH('prime256v1')
    ecdh.generateKeys()
    expect(isKey(ecdh.getPublicKey().toString('base64url'), 65)).toBe(true)
    expect(isKey(ecdh.getPublicKey().toString('base64url'), 16)).toBe(false)
    expect(isKey('a+b/', 3)).toBe(false)
  })

  it('keeps known events only, each once, in order', () => {
    expect(cleanEvents(['mention', 'new_conversation', 'mention'])).toEqual(['new_conversation', 'mention'])
    expect(cleanEvents([])).toEqual([])
    expect(cleanEvents(['new_conversation', 'everything'])).toBeNull()
  })
})

describe('what a push may carry', () => {
  it('previews at most 120 characters on one line, card numbers masked', () => {
    expect(preview('Card 4111 1111 1111 1111\nthanks')).toBe('Card •••• •••• •••• 1111 thanks')
    const long = preview('word '.repeat(100))
    expect(long.length).toBeLessThanOrEqual(120)
    expect(long.endsWith('…')).toBe(true)
  })
})

describe('VAPID settings', () => {
  it('reads both keys and the subject, and refuses half a pair or a malformed key naming the variable', () => {
    const ecdh = createECDH('prime256v1')
    ecdh.generateKeys()
    const pub = ecdh.getPublicKey().toString('base64url')
    const priv = Buffer.concat([Buffer.alloc(32 - ecdh.getPrivateKey().length), ecdh.getPrivateKey()]).toString('base64url')
    expect(loadConfig({}).push).toMatchObject({ vapidPublicKey: null, vapidPrivateKey: null, vapidSubject: null, allowLoopbackHttp: false, retryDelaysMs: [10_000, 60_000, 300_000, 1_800_000] })
    expect(loadConfig({ VAPID_PUBLIC_KEY: pub, VAPID_PRIVATE_KEY: priv, VAPID_SUBJECT: 'mailto:ops@example.com' }).push).toMatchObject({ vapidPublicKey: pub, vapidPrivateKey: priv, vapidSubject: 'mailto:ops@example.com' })
    expect(configError({ VAPID_PUBLIC_KEY: pub })).toStartWith('VAPID_PRIVATE_KEY: set both')
    expect(configError({ VAPID_PUBLIC_KEY: 'short', VAPID_PRIVATE_KEY: priv })).toStartWith('VAPID_PUBLIC_KEY:')
    expect(configError({ VAPID_SUBJECT: 'http://example.com' })).toStartWith('VAPID_SUBJECT:')
    expect(configError({ PUSH_RETRY_DELAYS: 'later' })).toStartWith('PUSH_RETRY_DELAYS:')
  })
})
