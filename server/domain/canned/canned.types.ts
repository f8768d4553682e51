// Canned responses (#16): the team's (managed by the owner) and each agent's own.
export type CannedScope = 'team' | 'personal'

export interface CannedView {
  id: string
  scope: CannedScope
  /** Typed after `/` in the composer: lower-case letters, digits, `-` and `_`, 1–32 characters. */
  shortcut: string
  /** May hold placeholders, filled in by the composer: {visitor.name}, {visitor.email}, {agent.name}. */
  body: string
  updatedAt: Date
}
