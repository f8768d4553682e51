// Real mail servers for tests, on loopback only: Debian's Dovecot (IMAP; one per test run, a
// mailbox per test) and an smtp-server sink that records what Parley sends. See RECIPES.md.
// `npm test` runs scripts/ensure-dovecot.ts first, which installs Dovecot when it is missing.
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { simpleParser, type ParsedMail } from 'mailparser'
import { ImapFlow } from 'imapflow'
import { freePort } from '../db/embedded.ts'

const DOVECOT = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => existsSync(p)) ?? 'dovecot'
const SETSID = ['/usr/bin/setsid', '/bin/setsid'].find((p) => existsSync(p))

export interface Dovecot {
  port: number
  /** A new mailbox (user) with its password. */
  addUser(prefix?: string): { user: string; password: string }
  /** Puts a raw RFC 5322 message into the user's INBOX, as a delivery would. */
  append(user: string, raw: string, flags?: string[]): Promise<void>
  client(user: string): ImapFlow
  stop(): Promise<void>
}

let shared: Promise<Dovecot> | null = null

/** The run's Dovecot (started on first use, stopped when the test process exits). */
export function dovecot(): Promise<Dovecot> {
  shared ??= startDovecot()
  return shared
}

async function waitForPort(port: number, ms: number, isDead: () => string | null): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1')
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (ok) return
    const dead = isDead()
    if (dead) throw new Error(dead)
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`)
    await Bun.sleep(25)
  }
}

export async function startDovecot(): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-dovecot-'))
  chmodSync(dir, 0o755)
  const mail = join(dir, 'mail')
  mkdirSync(mail)
  chownSync(mail, 65534, 65534)
  const users = join(dir, 'users')
  writeFileSync(users, '')
  chmodSync(users, 0o640)
  // the group lets Dovecot's auth process read the file; only root can chgrp
  try {
    const gid = Number((await Bun.$`getent group dovecot`.quiet().text()).split(':')[2])
    if (gid) chownSync(users, 0, gid)
  } catch {}
  const port = await freePort()
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = parley-test-dovecot-${port}
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:${mail}/%n/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n ${users}
}
userdb {
  driver = passwd-file
  args = username_format=%n ${users}
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`,
  )
  // A watchdog shell runs Dovecot and stops it (and removes its folder) once this test process is
  // gone, however it ended: bun test does not always run exit handlers. It leads a session of its
  // own, so the test runner's SIGKILL of a finished file's process group (scripts/test.ts) ends
  // the test process but leaves the watchdog to clean up after it; before, every file that used
  // Dovecot left its folder in /tmp (12 MB of mail after the e-mail flow tests).
  const cleanup = `kill -TERM $d 2>/dev/null; wait $d; rm -rf ${dir}`
  const watchdog = `${DOVECOT} -F -c ${dir}/dovecot.conf & d=$!; trap '${cleanup}; exit 0' TERM; while kill -0 ${process.pid} 2>/dev/null && kill -0 $d 2>/dev/null; do sleep 0.5; done; ${cleanup}`
  const proc = Bun.spawn([...(SETSID ? [SETSID] : []), 'sh', '-c', watchdog], { stdout: 'ignore', stderr: 'pipe' })
  proc.unref()
  const kill = () => {
    try {
      proc.kill('SIGTERM')
    } catch {}
  }
  let stderr = ''
  ;(async () => {
    for await (const chunk of proc.stderr) stderr += new TextDecoder().decode(chunk)
  })()
  await waitForPort(port, 10_000, () => (proc.exitCode !== null ? `dovecot exited with ${proc.exitCode}: ${stderr}` : null))
  let n = 0
  const passwords = new Map<string, string>()
  const dove: Dovecot = {
    port,
    addUser(prefix = 'support') {
      const user = `${prefix}${++n}x${port}`
      const password = `pw-${Bun.randomUUIDv7().slice(-12)}`
      appendFileSync(users, `${user}:{PLAIN}${password}:65534:65534::${mail}/${user}::\n`)
      passwords.set(user, password)
      return { user, password }
    },
    client(user: string) {
      return new ImapFlow({
        host: '127.0.0.1',
        port,
        secure: false,
        doSTARTTLS: false,
        auth: { user, pass: passwords.get(user)! },
        logger: false,
      })
    },
    async append(user: string, raw: string, flags: string[] = []) {
      const c = dove.client(user)
      c.on('error', () => {})
      await c.connect()
      try {
        await c.append('INBOX', raw, flags)
      } finally {
        await c.logout().catch(() => c.close())
      }
    },
    async stop() {
      // the watchdog stops Dovecot and removes its folder
      kill()
      await Promise.race([proc.exited, Bun.sleep(5000)])
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return dove
}

export interface ReceivedMail {
  from: string
  to: string[]
  raw: Buffer
  parsed: ParsedMail
}

export interface SmtpSink {
  port: number
  mails: ReceivedMail[]
  /** Waits for the first mail (from index `from` on) that matches. */
  waitFor(pred: (m: ReceivedMail) => boolean, ms?: number, from?: number): Promise<ReceivedMail>
  /** Stops listening (connections are refused) until up() listens on the same port again. */
  down(): Promise<void>
  up(): Promise<void>
  stop(): Promise<void>
}

export async function startSmtpSink(opts: { rejectRecipient?: (address: string) => string | null } = {}): Promise<SmtpSink> {
  const mails: ReceivedMail[] = []
  const waiters = new Set<() => void>()
  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, cb) {
        const reason = opts.rejectRecipient?.(address.address)
        if (reason) {
          const err = new Error(reason) as Error & { responseCode: number }
          err.responseCode = 550
          return cb(err)
        }
        cb()
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = []
        stream.on('data', (c: Buffer) => chunks.push(c))
        stream.on('end', async () => {
          const raw = Buffer.concat(chunks)
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            parsed: await simpleParser(raw),
          })
          for (const w of waiters) w()
          cb()
        })
      },
    })
  let server = make()
  const port = await freePort()
  const listen = () => new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  await listen()
  let listening = true
  return {
    port,
    mails,
    async waitFor(pred, ms = 10_000, from = 0) {
      const deadline = Date.now() + ms
      for (;;) {
        const hit = mails.slice(from).find(pred)
        if (hit) return hit
        const left = deadline - Date.now()
        if (left <= 0) throw new Error(`no matching mail at the SMTP sink within ${ms} ms (got ${mails.length}: ${mails.map((m) => m.parsed.subject).join(' | ')})`)
        await new Promise<void>((resolve) => {
          const w = () => {
            clearTimeout(t)
            waiters.delete(w)
            resolve()
          }
          const t = setTimeout(w, left)
          waiters.add(w)
        })
      }
    },
    async down() {
      if (!listening) return
      listening = false
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
    async up() {
      if (listening) return
      server = make()
      await listen()
      listening = true
    },
    async stop() {
      if (listening) await new Promise<void>((resolve) => server.close(() => resolve()))
      listening = false
    },
  }
}

/** An RFC 5322 message as a mail client would write it (CRLF line ends). */
export function rfc5322(m: {
  from: string
  to: string
  subject: string
  messageId?: string | null
  inReplyTo?: string | null
  references?: string[]
  date?: Date
  headers?: Record<string, string>
  body: string
  contentType?: string
  transferEncoding?: string
}): string {
  const lines = [
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${m.subject}`,
    `Date: ${(m.date ?? new Date()).toUTCString().replace('GMT', '+0000')}`,
    ...(m.messageId === null ? [] : [`Message-ID: <${m.messageId ?? `${Bun.randomUUIDv7()}@client.test`}>`]),
    ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo}>`] : []),
    ...(m.references?.length ? [`References: ${m.references.map((r) => `<${r}>`).join(' ')}`] : []),
    'MIME-Version: 1.0',
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ]
  if (!m.headers || !Object.keys(m.headers).some((k) => k.toLowerCase() === 'content-type')) {
    lines.push(`Content-Type: ${m.contentType ?? 'text/plain; charset=utf-8'}`)
    lines.push(`Content-Transfer-Encoding: ${m.transferEncoding ?? '8bit'}`)
  }
  return `${lines.join('\r\n')}\r\n\r\n${m.body.replace(/\r?\n/g, '\r\n')}`
}

/** Points a running Parley's e-mail channel at the test SMTP sink and a Dovecot mailbox, as the owner would. */
export async function configureEmail(
  agent: { request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> },
  o: { dove: Dovecot; sink: SmtpSink; user: string; password: string; plusAddressing?: boolean; fromName?: string },
): Promise<{ address: string }> {
  const address = `${o.user}@support.test`
  const r = await agent.request('PUT', '/api/settings/email', {
    smtp: { host: '127.0.0.1', port: o.sink.port, tls: 'none', fromAddress: address, fromName: o.fromName ?? 'Acme Support' },
    imap: { host: '127.0.0.1', port: o.dove.port, tls: 'none', user: o.user, password: o.password, mailbox: 'INBOX' },
    plusAddressing: o.plusAddressing ?? true,
  })
  if (r.status !== 200) throw new Error(`saving the e-mail settings failed: ${r.status} ${JSON.stringify(r.body)}`)
  return { address }
}
