// The API keys module's shapes.

export interface ApiKeyView {
  id: string
  name: string
  prefix: string
  createdAt: Date
  lastUsedAt: Date | null
  revokedAt: Date | null
}
