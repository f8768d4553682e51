// Secrets Parley must be able to read back (mail passwords, the identity secret) are stored
// encrypted: AES-256-GCM with a key that lives outside the database, so a copy of the database (a
// backup, a dump, a read-only leak) does not hand them out. The key is PARLEY_SECRET_KEY when set
// (several processes on one database must share it), else DATA_DIR/secret.key, made on first start
// with mode 0600. Rotation: set the new key and list the old one in PARLEY_SECRET_KEY_PREVIOUS;
// stored secrets are re-encrypted with the new key at the next start, after which the old one can go.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const PREFIX = 'enc:v1:'

export class SecretKeyError extends Error {}

/** A key from any text: a passphrase or the key file's random bytes, stretched to 32 bytes. */
function keyOf(text: string): { id: string; key: Buffer } {
  const key = createHash('sha256').update(`parley secret key\0${text}`).digest()
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key }
}

export class SecretBox {
  private readonly current: { id: string; key: Buffer }
  private readonly byId: Map<string, Buffer>

  constructor(current: string, previous: string[] = []) {
    this.current = keyOf(current)
    this.byId = new Map([this.current, ...previous.map(keyOf)].map((k) => [k.id, k.key]))
  }

  /** `enc:v1:<key id>:<base64 of iv ‖ tag ‖ ciphertext>`. */
  seal(plain: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv)
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return `${PREFIX}${this.current.id}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`
  }

  /** The plain text of a stored value; a value stored before encryption existed is returned as it is. */
  open(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored
    const [id, data] = stored.slice(PREFIX.length).split(':')
    const key = id ? this.byId.get(id) : undefined
    if (!key || !data) {
      throw new SecretKeyError(
        `a stored secret was encrypted with a key Parley does not have (key id ${id}); copy the DATA_DIR/secret.key it was sealed with into this DATA_DIR, or set PARLEY_SECRET_KEY to that key, or list it in PARLEY_SECRET_KEY_PREVIOUS`,
      )
    }
    const raw = Buffer.from(data, 'base64')
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
    decipher.setAuthTag(raw.subarray(12, 28))
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
  }

  /** Stored in the clear, or with an older key: write it again sealed with the current one. */
  needsReseal(stored: string): boolean {
    return !stored.startsWith(`${PREFIX}${this.current.id}:`)
  }

  /** The stored value sealed again with the current key, or null when it already is (for the
   *  start-up pass that seals clear values and moves old ones to a rotated key). */
  resealed(stored: string): string | null {
    return this.needsReseal(stored) ? this.seal(this.open(stored)) : null
  }

  sealOptional(plain: string | null): string | null {
    return plain === null ? null : this.seal(plain)
  }

  openOptional(stored: string | null): string | null {
    return stored === null ? null : this.open(stored)
  }
}

/** The box for this installation: PARLEY_SECRET_KEY, else the key file in DATA_DIR (made once). */
export function loadSecretBox(o: { secretKey: string | null; previousKeys: string[]; dataDir: string }): SecretBox {
  if (o.secretKey) return new SecretBox(o.secretKey, o.previousKeys)
  const file = join(o.dataDir, 'secret.key')
  if (!existsSync(file)) {
    mkdirSync(o.dataDir, { recursive: true, mode: 0o700 })
    try {
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' })
    } catch (e) {
      // Another process starting on the same DATA_DIR made it first: use that one.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
  }
  chmodSync(file, 0o600)
  return new SecretBox(readFileSync(file, 'utf8').trim(), o.previousKeys)
}

/**
 * The ids (not the keys: a hash of a hash) of the keys this installation reads secrets with, the
 * current one first, without making a key file: null when there is none yet. A backup records the
 * current one, so a restore can say whether its stored secrets will open here.
 */
export function secretKeyIds(o: { secretKey: string | null; previousKeys: string[]; dataDir: string }): string[] | null {
  const file = join(o.dataDir, 'secret.key')
  const current = o.secretKey ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : null)
  return current === null ? null : [current, ...o.previousKeys].map((k) => keyOf(k).id)
}
