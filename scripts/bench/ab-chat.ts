// A/B of the chat path between two copies of the server, in one sitting and by turns:
//   bun scripts/bench/ab-chat.ts --a=/path/to/old/server/main.ts [--b=server/main.ts] [--runs=3]
// Each turn runs chat.ts's ladder for Parley alone on a database of its own; the medians of the
// highest rate sustained and of p50/p99 at the fixed rates are printed for each copy.
import { resolve } from 'node:path'
import { cleanupAll, log, median, option, startCluster, SERVER_CPUS } from './lib.ts'
import { runChat } from './chat.ts'

const a = resolve(option('a') ?? '')
const b = resolve(option('b') ?? 'server/main.ts')
const runs = Number(option('runs') ?? 3)
const CHAT = { visitors: 200, agents: 4, rates: [250, 500, 1000, 1500, 2000, 3000, 4000, 5000, 6000, 8000, 10000, 12000], fixedRates: [250, 1000], stepSeconds: 2, warmupSeconds: 1 }

const results: Record<'a' | 'b', { max: number[]; p50: number[]; p99: number[] }> = { a: { max: [], p50: [], p99: [] }, b: { max: [], p50: [], p99: [] } }
try {
  for (let r = 0; r < runs; r++) {
    for (const [k, main] of (r % 2 ? [['b', b], ['a', a]] : [['a', a], ['b', b]]) as ['a' | 'b', string][]) {
      const c = await startCluster(`ab-${k}${r}`)
      c.pin(SERVER_CPUS)
      try {
        const [res] = await runChat(c, { ...CHAT, runs: 1, p99LimitMs: 50, kinds: ['parley'], parleyMain: main })
        results[k].max.push(res!.maxSustained[0]!)
        results[k].p50.push(res!.fixed[1000]?.p50[0] ?? NaN)
        results[k].p99.push(res!.fixed[1000]?.p99[0] ?? NaN)
        log(`${k} run ${r + 1}: ${res!.maxSustained[0]} msg/s; at 1000/s p50 ${res!.fixed[1000]?.p50[0]?.toFixed(1)} p99 ${res!.fixed[1000]?.p99[0]?.toFixed(1)} ms`)
      } finally {
        await c.stop()
      }
    }
  }
  for (const k of ['a', 'b'] as const) {
    console.log(`${k} (${k === 'a' ? a : b}): sustained ${median(results[k].max)} msg/s (${results[k].max.join(', ')}); at 1000/s p50 ${median(results[k].p50).toFixed(1)} p99 ${median(results[k].p99).toFixed(1)} ms`)
  }
} finally {
  await cleanupAll()
}
