// The team's settings that the inbox works with: the wait warning, tags and groups (for the tag
// picker, the transfer menu and the "my groups" toggle), and whether e-mail can be sent (replies to
// web visitors who left can then follow them by e-mail).
import type { Group, Tag } from '../../shared/types.ts'
import type { SessionStore } from './session.ts'
import { Store } from './store.ts'

export class SettingsStore extends Store {
  /** The team's setting: an Unassigned row's wait turns amber after this many minutes, red after twice as long. */
  waitWarnMinutes = 2
  tags: Tag[] = []
  groups: Group[] = []
  /** Whether the e-mail channel can send. */
  emailOutbound = false

  constructor(private session: SessionStore) {
    super('settings')
  }

  private get api() {
    return this.session.api
  }

  /** The groups I am a member of. */
  myGroupIds(): Set<string> {
    const me = this.session.me?.id
    return new Set(this.groups.filter((g) => me && g.memberIds.includes(me)).map((g) => g.id))
  }

  async loadAttention(): Promise<void> {
    this.waitWarnMinutes = (await this.api.get<{ waitWarnMinutes: number }>('/api/settings/attention')).waitWarnMinutes
    this.changed()
  }

  async saveAttention(waitWarnMinutes: number): Promise<void> {
    this.waitWarnMinutes = (await this.api.put<{ waitWarnMinutes: number }>('/api/settings/attention', { waitWarnMinutes })).waitWarnMinutes
    this.changed()
  }

  async loadTags(): Promise<void> {
    this.tags = (await this.api.get<{ tags: Tag[] }>('/api/tags')).tags
    this.changed()
  }

  async loadGroups(): Promise<void> {
    this.groups = (await this.api.get<{ groups: Group[] }>('/api/groups')).groups
    this.changed()
  }

  async loadEmailStatus(): Promise<void> {
    try {
      const status = await this.api.get<{ outbound: boolean }>('/api/settings/email/status')
      this.emailOutbound = status.outbound
    } catch {
      this.emailOutbound = false
    }
    this.changed()
  }
}
