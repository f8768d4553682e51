// Blocking (#16): a block closes the blocked visitor's widget sockets on this process at once;
// listeners/cluster.ts does the same on the other processes when its notice arrives.
import type { EventBus } from '../events/bus.ts'
import type { Hub } from '../realtime/hub.ts'
import type { BlocksChanged } from '../domain/blocking/blocking.types.ts'
import { parseRange } from '../domain/blocking/blocking.rules.ts'
import { parseAddress, rangeContains, type Range } from '../shared/ip.ts'

/** Closes the sockets a change blocked (an unblock closes nothing). */
export function closeBlockedSockets(hub: Hub, change: BlocksChanged): number {
  if (!change.added) return 0
  const ranges: Range[] = change.ranges.map((r) => parseRange(r))
  const inRange = ranges.length
    ? (ip: string) => {
        const a = parseAddress(ip)
        return a !== null && ranges.some((r) => rangeContains(r, a))
      }
    : null
  return hub.closeBlocked(change.visitorIds, inRange)
}

export function blockingListener(bus: EventBus, hub: Hub): void {
  bus.on('blocking.changed', (change) => void closeBlockedSockets(hub, change))
}
