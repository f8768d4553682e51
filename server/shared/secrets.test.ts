import { afterAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SecretBox, SecretKeyError, loadSecretBox } from './secrets.ts'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const KEY = 'the current key of this test, long enough'
const OLD = 'the key before it, also long enough for one'

describe('sealed secrets', () => {
  it('seals with AES-GCM so the stored text reveals nothing, and opens it again', () => {
    const box = new SecretBox(KEY)
    const sealed = box.seal('imap-password-42')
    expect(sealed).toStartWith('enc:v1:')
    expect(sealed).not.toContain('imap-password-42')
    expect(box.seal('imap-password-42')).not.toBe(sealed)
    expect(box.open(sealed)).toBe('imap-password-42')
    expect(box.open(box.seal('žluťoučký kůň 🐎'))).toBe('žluťoučký kůň 🐎')
  })

  it('reads a value stored before encryption as it is, and asks for it to be sealed again', () => {
    const box = new SecretBox(KEY)
    expect(box.open('plain old password')).toBe('plain old password')
    expect(box.needsReseal('plain old password')).toBe(true)
    expect(box.needsReseal(box.seal('x'))).toBe(false)
  })

  it('rotates: a previous key still opens, and what it sealed asks for the new key', () => {
    const sealedOld = new SecretBox(OLD).seal('kept across rotation')
    const box = new SecretBox(KEY, [OLD])
    expect(box.open(sealedOld)).toBe('kept across rotation')
    expect(box.needsReseal(sealedOld)).toBe(true)
    expect(() => new SecretBox(KEY).open(sealedOld)).toThrow(SecretKeyError)
  })

  it('refuses a tampered value instead of returning garbage', () => {
    const box = new SecretBox(KEY)
    const sealed = box.seal('do not touch')
    const [head, data] = [sealed.slice(0, sealed.lastIndexOf(':') + 1), sealed.slice(sealed.lastIndexOf(':') + 1)]
    const bytes = Buffer.from(data, 'base64')
    const last = bytes.length - 1
    bytes[last] = bytes[last]! ^ 1
    expect(() => box.open(head + bytes.toString('base64'))).toThrow()
  })

  it('makes the key file once in DATA_DIR, readable by its owner only, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-key-'))
    dirs.push(dir)
    const dataDir = join(dir, 'data')
    const first = loadSecretBox({ secretKey: null, previousKeys: [], dataDir })
    const file = join(dataDir, 'secret.key')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8').trim().length).toBeGreaterThanOrEqual(40)
    const second = loadSecretBox({ secretKey: null, previousKeys: [], dataDir })
    expect(second.open(first.seal('same key'))).toBe('same key')
    // PARLEY_SECRET_KEY wins over the file.
    const fromEnv = loadSecretBox({ secretKey: KEY, previousKeys: [], dataDir })
    expect(() => fromEnv.open(first.seal('other key'))).toThrow(SecretKeyError)
    // The refusal says where the key usually is: the DATA_DIR/secret.key the secret was sealed with.
    expect(() => fromEnv.open(first.seal('other key'))).toThrow(/copy the DATA_DIR\/secret\.key it was sealed with/)
    // The file's contents, given as PARLEY_SECRET_KEY, are the same key: how another process on
    // this database (DATABASE_URL) shares it (README, "The embedded PostgreSQL" › Shared).
    const shared = loadSecretBox({ secretKey: readFileSync(file, 'utf8').trim(), previousKeys: [], dataDir: join(dir, 'elsewhere') })
    expect(shared.open(first.seal('one key for every node'))).toBe('one key for every node')
  })
})
