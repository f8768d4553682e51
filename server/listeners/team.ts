// Team tools (#16): a private note goes to every dashboard, never to a visitor's topic; a mention
// also goes to the mentioned agent's own tabs, where it shows as a highlighted notice; other
// processes do the same for their sockets (listeners/cluster.ts). (The mail
// to a mentioned agent who is offline is queued with the note itself: domain/notes.)
import type { EventBus } from '../events/bus.ts'
import { AGENTS, agentTopic, type Hub } from '../realtime/hub.ts'
import type { NoteView } from '../domain/notes/notes.types.ts'
import type { ConversationView } from '../domain/conversations/conversations.types.ts'
import type * as Wire from '../realtime/wire.ts'
import type { AsJson, Assert, Same } from '../realtime/wire.check.ts'

// A note, once encoded, is exactly what wire.ts promises the dashboards.
type WireChecks = [Assert<Same<AsJson<NoteView>, Wire.Note>>]

/** The note to every dashboard on this process, and the mention to each mentioned agent's tabs. */
export function publishNote(hub: Hub, note: NoteView, conversation: ConversationView): void {
  hub.publish(AGENTS, { type: 'note', note })
  for (const agentId of note.mentions) hub.publish(agentTopic(agentId), { type: 'mention', note, conversation })
}

export function teamListener(bus: EventBus, hub: Hub): void {
  bus.on('note.created', ({ note, conversation }) => publishNote(hub, note, conversation))
}

export type { WireChecks as TeamWireChecks }
