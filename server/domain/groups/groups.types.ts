// Groups (teams) as the rest of Parley sees them.

export interface GroupView {
  id: string
  /** What the site passes to parley('group', key): lower-case letters, digits, - and _. */
  key: string
  name: string
  memberIds: string[]
}

/** What the widget may know: the groups a visitor can choose, when the owner turned the choice on. */
export interface PublicGroups {
  prechat: boolean
  groups: { key: string; name: string }[]
}
