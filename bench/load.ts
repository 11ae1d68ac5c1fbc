/**
 * @module A closed-loop HTTP load at fixed concurrency: `connections` keep-alive connections,
 * each sending its next request when the last answer is read, until `requests` have been
 * answered. Every request's latency is kept, so percentiles are exact, not bucketed.
 */
import { Agent, request } from 'node:http'

export interface LoadResult {
  requests: number
  seconds: number
  statuses: Record<number, number>
  /** Latency percentiles in microseconds, from sending the request to reading the whole answer. */
  latencyMicros: { p50: number; p99: number }
}

export async function runLoad(
  url: string,
  headers: Record<string, string>,
  { requests, connections }: { requests: number; connections: number },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const statuses: Record<number, number> = {}
  const latencies = new Float64Array(requests)
  let sent = 0
  const started = process.hrtime.bigint()
  const loop = async () => {
    while (sent < requests) {
      const index = sent++
      const before = process.hrtime.bigint()
      const status = await get(url, headers, agent)
      latencies[index] = Number(process.hrtime.bigint() - before) / 1_000
      statuses[status] = (statuses[status] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: connections }, loop))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  agent.destroy()
  latencies.sort()
  const percentile = (p: number) => latencies[Math.min(requests - 1, Math.floor((p / 100) * requests))]
  return { requests, seconds, statuses, latencyMicros: { p50: percentile(50), p99: percentile(99) } }
}

/** One GET, read to its end; `agent: false` for a connection of its own. Resolves to the status. */
export function get(url: string, headers: Record<string, string>, agent: Agent | false): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent }, (response) => {
      response.resume()
      response.on('end', () => resolve(response.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end()
  })
}
