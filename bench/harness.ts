/**
 * @module `npm run bench:harness`: what each way of running a Worker adds to the benchmark's
 * figures, measured on the floor Worker with and without one log line per request:
 *
 * - plain workerd (the warm benchmark's harness), which drops console output;
 * - Miniflare through a direct socket (the cold benchmark's harness), whose always-on
 *   structured logging writes every console line to a pipe;
 * - Miniflare through its entry Worker, as `wrangler dev` serves.
 *
 * BENCHMARKS.md → "Harness" quotes its output.
 */
import { resolve } from 'node:path'
import { unstable_readConfig } from 'wrangler'
import { measureHot } from './hot.ts'
import { startMiniflare } from './miniflare.ts'
import { plusMinus } from './stats.ts'
import { startWorkerd } from './workerd.ts'

const compatibilityDate = unstable_readConfig({ config: 'wrangler.toml' }).compatibility_date as string
const worker = (file: string) => ({ modulePath: resolve(`bench/baselines/${file}`), compatibilityDate, bindings: {} })
const rows = await measureHot(
  [
    { name: 'plain workerd, floor', headers: {}, start: () => startWorkerd(worker('static.js')) },
    { name: 'plain workerd, floor + log line', headers: {}, start: () => startWorkerd(worker('static-logging.js')) },
    { name: 'Miniflare direct socket, floor', headers: {}, start: () => startMiniflare(worker('static.js')) },
    {
      name: 'Miniflare direct socket, floor + log line',
      headers: {},
      start: () => startMiniflare(worker('static-logging.js')),
    },
    {
      name: 'Miniflare entry Worker, floor',
      headers: {},
      start: () => startMiniflare(worker('static.js'), { throughEntry: true }),
    },
  ],
  { rounds: 7, requestsPerRound: 5_000, warmupRequests: 2_000, connections: 8 },
)
console.log('\nharness                                     CPU µs/request    requests/s')
for (const row of rows) {
  const cpu = `${row.cpuMicros.median.toFixed(1)} ${plusMinus(row.cpuMicros)}`
  console.log(`${row.name.padEnd(44)}${cpu.padStart(14)}${Math.round(row.perSecond.median).toString().padStart(14)}`)
}
