// The signed-in agent and what every screen needs with them: the API client (with its CSRF
// token), the language and its translator, the socket's state, and the team's agents with their
// statuses (kept live by 'presence' frames).
import { ApiClient, ApiError } from '../../shared/api.ts'
import { isLanguage, pickLanguage, translator, type Language } from '../../shared/i18n.ts'
import type { SocketState } from '../../shared/socket.ts'
import type { Agent } from '../../shared/types.ts'
import type { AgentPresence, AgentStatus } from '../../../server/realtime/wire.ts'
import { CATALOGS } from '../i18n/index.ts'
import { Crossings, Store } from './store.ts'

const browserLanguages = (): readonly string[] => (typeof navigator === 'undefined' ? [] : (navigator.languages ?? []))

export class SessionStore extends Store {
  readonly api: ApiClient
  me: Agent | null = null
  lang: Language
  t = translator(CATALOGS, 'en')
  agents: Agent[] = []
  /** The presence frames that cross a read of the agents' list (played again over its answer). */
  private presenceCrossings = new Crossings<AgentPresence>()
  connection: SocketState = 'closed'
  /** Whether the socket has been open once this session (the first connect is not a "lost connection"). */
  everConnected = false

  constructor(api = new ApiClient(), languages: readonly string[] = browserLanguages()) {
    super('session')
    this.api = api
    this.lang = pickLanguage(languages)
    this.t = translator(CATALOGS, this.lang)
  }

  setLanguage(lang: Language): void {
    this.lang = lang
    this.t = translator(CATALOGS, lang)
    if (typeof document !== 'undefined') document.documentElement.lang = lang
    this.changed()
  }

  /** Turns an error into a sentence in the agent's language. */
  errorText(e: unknown): string {
    if (e instanceof ApiError) {
      if (e.status === 0) return this.t('error.network')
      if (e.status === 403) return this.t('error.forbidden')
      if (e.status === 404) return this.t('error.notFound')
      if (e.status === 429) return this.t('error.throttled')
      if (e.code === 'database.unavailable') return this.t('error.unavailable')
    }
    return this.t('error.generic')
  }

  signedIn(agent: Agent, csrfToken: string): void {
    this.me = agent
    this.api.csrfToken = csrfToken
    if (isLanguage(agent.language)) this.setLanguage(agent.language)
    this.changed()
  }

  signedOut(): void {
    this.me = null
    this.api.csrfToken = ''
    this.agents = []
    this.everConnected = false
    this.changed()
  }

  async updateMe(patch: Partial<Pick<Agent, 'name' | 'language'>>): Promise<void> {
    if (!this.me) return
    const agent = await this.api.patch<Agent>(`/api/agents/${this.me.id}`, patch)
    this.me = { ...this.me, ...agent }
    if (isLanguage(agent.language)) this.setLanguage(agent.language)
    this.changed()
  }

  async setStatus(status: AgentStatus): Promise<void> {
    if (!this.me) return
    const previous = this.me.status
    this.me = { ...this.me, status }
    this.changed()
    try {
      await this.api.put('/api/agents/me/status', { status })
    } catch (e) {
      this.me = { ...this.me, status: previous }
      this.changed()
      throw e
    }
  }

  async loadAgents(): Promise<void> {
    const { answer, crossed } = await this.presenceCrossings.during(() => this.api.get<Agent[]>('/api/agents'))
    // Presence that changed while the list was read may be newer than the list's.
    this.agents = crossed.reduce(withPresence, answer)
    const me = this.agents.find((a) => a.id === this.me?.id)
    if (me && this.me) this.me = { ...this.me, ...me }
    this.changed()
  }

  setConnection(state: SocketState): void {
    this.connection = state
    if (state === 'open') this.everConnected = true
    this.changed()
  }

  /** The 'presence' frame: an agent's status or connection changed (me included). */
  presence(p: AgentPresence): void {
    this.presenceCrossings.note(p)
    this.agents = withPresence(this.agents, p)
    if (this.me?.id === p.agentId) this.me = { ...this.me, presence: p.presence, status: p.status }
    this.changed()
  }
}

const withPresence = (agents: Agent[], p: AgentPresence): Agent[] =>
  agents.map((a) => (a.id === p.agentId ? { ...a, presence: p.presence, status: p.status } : a))
