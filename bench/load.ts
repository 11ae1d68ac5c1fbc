/**
 * @module A closed-loop HTTP load: `connections` keep-alive connections, each sending its
 * next request when the last answer is read, until `requests` have been answered.
 */
import { Agent, request } from 'node:http'

export interface LoadResult {
  requests: number
  seconds: number
  statuses: Record<number, number>
}

export async function runLoad(
  url: string,
  headers: Record<string, string>,
  { requests, connections }: { requests: number; connections: number },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const statuses: Record<number, number> = {}
  let sent = 0
  const started = process.hrtime.bigint()
  const loop = async () => {
    while (sent < requests) {
      sent += 1
      const status = await get(url, headers, agent)
      statuses[status] = (statuses[status] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: connections }, loop))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  agent.destroy()
  return { requests, seconds, statuses }
}

function get(url: string, headers: Record<string, string>, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent }, (response) => {
      response.resume()
      response.on('end', () => resolve(response.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end()
  })
}
