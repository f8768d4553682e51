// Typed environment parsing. Parsed once at start; a wrong value stops start-up with one line
// naming the variable. Imports nothing from the rest of the server.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

/** The name of an owner made from PARLEY_OWNER_EMAIL without PARLEY_OWNER_NAME. */
export const DEFAULT_OWNER_NAME = 'Owner'

export interface Config {
  host: string
  port: number
  dataDir: string
  databaseUrl: string | null
  publicUrl: string | null
  /** Addresses of reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed. */
  trustProxy: string[]
  logLevel: LogLevel
  ownerEmail: string | null
  ownerPassword: string | null
  /** PARLEY_OWNER_NAME; null: not given (an unattended owner is then DEFAULT_OWNER_NAME). */
  ownerName: string | null
  sessionDays: number
  loginMaxFailuresPerEmail: number
  loginMaxFailuresPerIp: number
  loginWindowSeconds: number
  /**
   * RESTART_RECONNECT_WINDOW_SECONDS: on a graceful shutdown, the widgets are told to reconnect
   * at a random moment within a window of a millisecond per socket, at least 1 s and at most this.
   */
  restartWindowMaxMs: number
  /** argon2id's cost for passwords: PASSWORD_HASH_MEMORY_MIB (passes stay 2). */
  passwordHashing: { memoryKiB: number; timeCost: number }
  /** PARLEY_SECRET_KEY: encrypts stored secrets; null: DATA_DIR/secret.key is used (made once). */
  secretKey: string | null
  /** PARLEY_SECRET_KEY_PREVIOUS: older keys, still read while stored secrets move to the new one. */
  previousSecretKeys: string[]
  /** The e-mail channel's SMTP_* / IMAP_* variables (settings saved in the dashboard take precedence). */
  email: EmailEnv
  /** Limits on the widget's public doors, per process (LIMIT_* variables). */
  limits: LimitsEnv
  /** The Messenger channel's MESSENGER_* variables (pages are connected in the dashboard). */
  messenger: { retryDelaysMs: number[] }
  /** E-mail notifications to agents (NOTIFY_* variables). */
  notifications: NotificationsEnv
  /** Outgoing webhooks (WEBHOOK_* variables). */
  webhooks: WebhooksEnv
  /** METRICS_TOKEN: /metrics asks for it as a bearer token; null: /metrics is open. */
  metricsToken: string | null
  /** Web Push to agents' devices (VAPID_* and PUSH_* variables). */
  push: PushEnv
}

export interface PushEnv {
  /** VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY (base64url, both or neither): else a pair is made once and stored. */
  vapidPublicKey: string | null
  vapidPrivateKey: string | null
  /** VAPID_SUBJECT: the contact push services see (mailto: or https:); else PUBLIC_URL or the owner's address. */
  vapidSubject: string | null
  /** Waits before each retry of a push the push service refused for a passing reason. */
  retryDelaysMs: number[]
  /** Tests only: accept http:// push endpoints on loopback addresses (real ones are https). */
  allowLoopbackHttp: boolean
}

export interface WebhooksEnv {
  /** How long a receiver has to answer before the attempt counts as failed. */
  timeoutMs: number
  /** Waits before each retry of a failed delivery; its length is the number of retries. */
  retryDelaysMs: number[]
  /** WEBHOOK_ALLOW_PRIVATE: receivers on this machine or a private network (else refused, against request forgery). */
  allowPrivate: boolean
}

export interface NotificationsEnv {
  /** A visitor's messages within this long after the first go out in one mail (and no sooner). */
  batchMs: number
  /** How long a visitor must stay gone (no widget connected) before they count as having left. */
  leaveGraceMs: number
  /**
   * The same, for a widget whose page said it was hidden or closing when its socket went away (the
   * tab was closed): shorter, and still long enough for a reload or a page change to reconnect.
   */
  closedGraceMs: number
}

/** `burst` requests at once, refilled evenly over `seconds` (a token bucket). */
export interface RateEnv {
  burst: number
  seconds: number
}

export interface LimitsEnv {
  messagesPerVisitor: RateEnv
  messagesPerIp: RateEnv
  visitorsPerIp: RateEnv
  pageViewsPerVisitor: RateEnv
  pageViewsPerIp: RateEnv
  contactsPerVisitor: RateEnv
  contactsPerIp: RateEnv
  /** Recording chunks of one visitor (all its tabs): the widget sends one every 5 s a tab. */
  recordingChunksPerVisitor: RateEnv
  /** A visitor's updates (POST /me, /identify, /group, a rating): each is written and shown on every dashboard. */
  updatesPerVisitor: RateEnv
  updatesPerIp: RateEnv
  /** A widget socket's typing, delivered and resume frames. */
  signalsPerVisitor: RateEnv
  signalsPerIp: RateEnv
  /** Widget sockets open at once from one IP. */
  socketsPerIp: number
  /** Keys (visitors, IPs) each limit remembers at most; the least recently used go first. */
  maxKeys: number
}

export type TlsMode = 'none' | 'starttls' | 'tls'

export interface EmailEnv {
  smtp: { host: string; port: number; tls: TlsMode; user: string | null; password: string | null; fromName: string | null; fromAddress: string } | null
  imap: { host: string; port: number; tls: TlsMode; user: string; password: string; mailbox: string } | null
  plusAddressing: boolean
  /** Waits before each retry of a failed SMTP send; its length is the number of retries. */
  retryDelaysMs: number[]
  /** How often the mailbox is checked when the server has no IDLE (or IDLE went quiet). */
  imapPollMs: number
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`)
    this.name = 'ConfigError'
  }
}

type Env = Record<string, string | undefined>

function str(env: Env, name: string): string | null {
  const v = env[name]
  if (v === undefined) return null
  const trimmed = v.trim()
  return trimmed === '' ? null : trimmed
}

/** true/1/yes or false/0/no; anything else is refused by oneOf's message. */
function bool(env: Env, name: string, fallback: boolean): boolean {
  return ['true', '1', 'yes'].includes(oneOf(env, name, ['true', 'false', '1', '0', 'yes', 'no'] as const, fallback ? 'true' : 'false'))
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const v = str(env, name)
  if (v === null) return fallback
  if (!/^\d+$/.test(v)) throw new ConfigError(name, `expected a whole number, got "${v}"`)
  const n = Number(v)
  if (n < min || n > max) throw new ConfigError(name, `expected a number from ${min} to ${max}, got ${n}`)
  return n
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const v = str(env, name)
  if (v === null) return fallback
  const lower = v.toLowerCase() as T
  if (!values.includes(lower)) throw new ConfigError(name, `expected one of ${values.join(', ')}, got "${v}"`)
  return lower
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const v = str(env, name)
  if (v === null) return null
  let parsed: URL
  try {
    parsed = new URL(v)
  } catch {
    throw new ConfigError(name, `expected a URL, got "${v}"`)
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `expected a ${protocols.join(' or ')} URL, got "${parsed.protocol}"`)
  }
  return v
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/
const IPV6 = /^[0-9a-f:.]+$/i

export function loadConfig(env: Env = process.env): Config {
  const trustProxyRaw = str(env, 'TRUST_PROXY')
  const trustProxy = trustProxyRaw === null ? [] : trustProxyRaw.split(',').map((s) => s.trim()).filter(Boolean)
  for (const address of trustProxy) {
    if (!IPV4.test(address) && !(address.includes(':') && IPV6.test(address))) {
      throw new ConfigError('TRUST_PROXY', `expected comma-separated IP addresses, got "${address}"`)
    }
  }
  const ownerEmail = str(env, 'PARLEY_OWNER_EMAIL')
  const ownerPassword = str(env, 'PARLEY_OWNER_PASSWORD')
  if ((ownerEmail === null) !== (ownerPassword === null)) {
    throw new ConfigError(
      ownerEmail === null ? 'PARLEY_OWNER_EMAIL' : 'PARLEY_OWNER_PASSWORD',
      'set both PARLEY_OWNER_EMAIL and PARLEY_OWNER_PASSWORD, or neither',
    )
  }
  // The length part of the password rule (domain/agents/password-policy.ts); whether it is common
  // or guessable is checked when the owner is created from it, at the first start only, because
  // loading the common-password dictionaries would slow every start.
  if (ownerPassword !== null && ownerPassword.length < 10) {
    throw new ConfigError('PARLEY_OWNER_PASSWORD', 'must be at least 10 characters')
  }
  return {
    host: str(env, 'HOST') ?? '0.0.0.0',
    port: int(env, 'PORT', 8080, 0, 65535),
    dataDir: str(env, 'DATA_DIR') ?? './data',
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    publicUrl: url(env, 'PUBLIC_URL', ['http:', 'https:']),
    trustProxy,
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error', 'silent'] as const, 'info'),
    ownerEmail,
    ownerPassword,
    ownerName: str(env, 'PARLEY_OWNER_NAME'),
    sessionDays: int(env, 'SESSION_DAYS', 30, 1, 365),
    loginMaxFailuresPerEmail: int(env, 'LOGIN_MAX_FAILURES_PER_EMAIL', 5, 1, 1000),
    loginMaxFailuresPerIp: int(env, 'LOGIN_MAX_FAILURES_PER_IP', 30, 1, 100000),
    loginWindowSeconds: int(env, 'LOGIN_WINDOW_SECONDS', 900, 1, 86400),
    restartWindowMaxMs: int(env, 'RESTART_RECONNECT_WINDOW_SECONDS', 8, 1, 600) * 1000,
    // At least OWASP's 19 MiB for two passes; less memory is a weaker hash, not a setting.
    passwordHashing: { memoryKiB: int(env, 'PASSWORD_HASH_MEMORY_MIB', 64, 19, 1024) * 1024, timeCost: 2 },
    secretKey: secretKey(env, 'PARLEY_SECRET_KEY'),
    previousSecretKeys: (str(env, 'PARLEY_SECRET_KEY_PREVIOUS') ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    email: emailEnv(env),
    limits: limitsEnv(env),
    messenger: { retryDelaysMs: delays(env, 'MESSENGER_RETRY_DELAYS', [5, 30, 120, 600, 1800]) },
    notifications: {
      batchMs: int(env, 'NOTIFY_BATCH_SECONDS', 120, 0, 86_400) * 1000,
      leaveGraceMs: int(env, 'NOTIFY_LEAVE_SECONDS', 30, 0, 86_400) * 1000,
      closedGraceMs: int(env, 'NOTIFY_LEAVE_CLOSED_SECONDS', 8, 0, 86_400) * 1000,
    },
    webhooks: {
      timeoutMs: int(env, 'WEBHOOK_TIMEOUT_SECONDS', 10, 1, 60) * 1000,
      retryDelaysMs: delays(env, 'WEBHOOK_RETRY_DELAYS', [10, 60, 300, 1800, 7200, 21600]),
      allowPrivate: bool(env, 'WEBHOOK_ALLOW_PRIVATE', false),
    },
    metricsToken: metricsToken(env),
    push: pushEnv(env),
  }
}

function pushEnv(env: Env): PushEnv {
  const vapidPublicKey = str(env, 'VAPID_PUBLIC_KEY')
  const vapidPrivateKey = str(env, 'VAPID_PRIVATE_KEY')
  if ((vapidPublicKey === null) !== (vapidPrivateKey === null)) {
    throw new ConfigError(vapidPublicKey === null ? 'VAPID_PUBLIC_KEY' : 'VAPID_PRIVATE_KEY', 'set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither')
  }
  // A P-256 public key is 65 bytes (87 base64url characters), a private key 32 bytes (43).
  if (vapidPublicKey !== null && !/^[A-Za-z0-9_-]{87}$/.test(vapidPublicKey)) throw new ConfigError('VAPID_PUBLIC_KEY', 'expected a base64url P-256 public key (87 characters)')
  if (vapidPrivateKey !== null && !/^[A-Za-z0-9_-]{43}$/.test(vapidPrivateKey)) throw new ConfigError('VAPID_PRIVATE_KEY', 'expected a base64url P-256 private key (43 characters)')
  const vapidSubject = str(env, 'VAPID_SUBJECT')
  if (vapidSubject !== null && !/^(mailto:\S+@\S+|https:\/\/\S+)$/.test(vapidSubject)) throw new ConfigError('VAPID_SUBJECT', 'expected a mailto: address or an https:// URL')
  return {
    vapidPublicKey,
    vapidPrivateKey,
    vapidSubject,
    retryDelaysMs: delays(env, 'PUSH_RETRY_DELAYS', [10, 60, 300, 1800]),
    allowLoopbackHttp: false,
  }
}

function metricsToken(env: Env): string | null {
  const token = str(env, 'METRICS_TOKEN')
  if (token !== null && token.length < 16) throw new ConfigError('METRICS_TOKEN', 'use at least 16 characters (or leave it unset for an open /metrics)')
  return token
}

/** Comma-separated seconds (decimals allowed), at most 20. */
function delays(env: Env, name: string, fallbackSeconds: number[]): number[] {
  const raw = str(env, name)
  if (raw === null) return fallbackSeconds.map((s) => s * 1000)
  const parts = raw.split(',').map((p) => p.trim())
  if (parts.length > 20 || parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) {
    throw new ConfigError(name, `expected up to 20 comma-separated numbers of seconds, got "${raw}"`)
  }
  return parts.map((p) => Math.round(Number(p) * 1000))
}

/** `N/S`: N requests per S seconds, e.g. `20/10`. */
function rate(env: Env, name: string, fallback: RateEnv): RateEnv {
  const v = str(env, name)
  if (v === null) return fallback
  const m = /^(\d+)\s*\/\s*(\d+)s?$/.exec(v)
  const burst = m ? Number(m[1]) : 0
  const seconds = m ? Number(m[2]) : 0
  if (!m || burst < 1 || burst > 1_000_000 || seconds < 1 || seconds > 86_400) {
    throw new ConfigError(name, `expected requests/seconds such as "20/10" (1 to 1000000 per 1 to 86400 s), got "${v}"`)
  }
  return { burst, seconds }
}

function limitsEnv(env: Env): LimitsEnv {
  return {
    messagesPerVisitor: rate(env, 'LIMIT_MESSAGES_PER_VISITOR', { burst: 30, seconds: 15 }),
    messagesPerIp: rate(env, 'LIMIT_MESSAGES_PER_IP', { burst: 300, seconds: 60 }),
    visitorsPerIp: rate(env, 'LIMIT_VISITORS_PER_IP', { burst: 60, seconds: 60 }),
    pageViewsPerVisitor: rate(env, 'LIMIT_PAGE_VIEWS_PER_VISITOR', { burst: 60, seconds: 60 }),
    pageViewsPerIp: rate(env, 'LIMIT_PAGE_VIEWS_PER_IP', { burst: 300, seconds: 60 }),
    contactsPerVisitor: rate(env, 'LIMIT_CONTACTS_PER_VISITOR', { burst: 5, seconds: 600 }),
    contactsPerIp: rate(env, 'LIMIT_CONTACTS_PER_IP', { burst: 30, seconds: 600 }),
    recordingChunksPerVisitor: rate(env, 'LIMIT_RECORDING_CHUNKS_PER_VISITOR', { burst: 60, seconds: 60 }),
    updatesPerVisitor: rate(env, 'LIMIT_UPDATES_PER_VISITOR', { burst: 30, seconds: 60 }),
    updatesPerIp: rate(env, 'LIMIT_UPDATES_PER_IP', { burst: 300, seconds: 60 }),
    signalsPerVisitor: rate(env, 'LIMIT_SIGNALS_PER_VISITOR', { burst: 120, seconds: 60 }),
    signalsPerIp: rate(env, 'LIMIT_SIGNALS_PER_IP', { burst: 1200, seconds: 60 }),
    socketsPerIp: int(env, 'LIMIT_SOCKETS_PER_IP', 200, 1, 1_000_000),
    maxKeys: int(env, 'LIMIT_MAX_KEYS', 50_000, 100, 10_000_000),
  }
}

function secretKey(env: Env, name: string): string | null {
  const v = str(env, name)
  if (v !== null && v.length < 32) throw new ConfigError(name, 'must be at least 32 characters (e.g. openssl rand -base64 32)')
  return v
}

const TLS_MODES = ['none', 'starttls', 'tls'] as const
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/

function emailEnv(env: Env): EmailEnv {
  const address = (name: string) => {
    const v = str(env, name)
    if (v !== null && !ADDRESS.test(v)) throw new ConfigError(name, `expected an e-mail address, got "${v}"`)
    return v
  }
  const smtpHost = str(env, 'SMTP_HOST')
  const smtpTls = oneOf(env, 'SMTP_TLS', TLS_MODES, 'starttls')
  const fromAddress = address('SMTP_FROM')
  if (smtpHost !== null && fromAddress === null) throw new ConfigError('SMTP_FROM', 'set the address mail is sent from when SMTP_HOST is set')
  const imapHost = str(env, 'IMAP_HOST')
  const imapTls = oneOf(env, 'IMAP_TLS', TLS_MODES, 'tls')
  const imapUser = str(env, 'IMAP_USER')
  const imapPassword = str(env, 'IMAP_PASSWORD')
  if (imapHost !== null && (imapUser === null || imapPassword === null)) {
    throw new ConfigError(imapUser === null ? 'IMAP_USER' : 'IMAP_PASSWORD', 'set IMAP_USER and IMAP_PASSWORD when IMAP_HOST is set')
  }
  const delaysRaw = str(env, 'SMTP_RETRY_DELAYS')
  let retryDelaysMs = [10, 60, 300, 900, 3600].map((s) => s * 1000)
  if (delaysRaw !== null) {
    const parts = delaysRaw.split(',').map((p) => p.trim())
    if (parts.length > 20 || parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) {
      throw new ConfigError('SMTP_RETRY_DELAYS', `expected up to 20 comma-separated numbers of seconds, got "${delaysRaw}"`)
    }
    retryDelaysMs = parts.map((p) => Math.round(Number(p) * 1000))
  }
  return {
    smtp:
      smtpHost === null
        ? null
        : {
            host: smtpHost,
            port: int(env, 'SMTP_PORT', smtpTls === 'tls' ? 465 : 587, 1, 65535),
            tls: smtpTls,
            user: str(env, 'SMTP_USER'),
            password: str(env, 'SMTP_PASSWORD'),
            fromName: str(env, 'SMTP_FROM_NAME'),
            fromAddress: fromAddress!,
          },
    imap:
      imapHost === null
        ? null
        : {
            host: imapHost,
            port: int(env, 'IMAP_PORT', imapTls === 'tls' ? 993 : 143, 1, 65535),
            tls: imapTls,
            user: imapUser!,
            password: imapPassword!,
            mailbox: str(env, 'IMAP_MAILBOX') ?? 'INBOX',
          },
    plusAddressing: bool(env, 'IMAP_PLUS_ADDRESSING', false),
    retryDelaysMs,
    imapPollMs: int(env, 'IMAP_POLL_SECONDS', 60, 1, 86400) * 1000,
  }
}
