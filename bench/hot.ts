/**
 * @module Warm servers under load: for each variant, throughput, latency p50/p99 at fixed
 * concurrency and CPU per request, over interleaved rounds so that drift in the machine's
 * speed falls on every variant alike.
 *
 * CPU is read from the server's process (/proc/PID/task/∗/schedstat), so the load generator's
 * own CPU is not counted; throughput and latency include it, as a visitor's would include
 * the network.
 */
import { runLoad } from './load.ts'
import type { RunningServer } from './servers.ts'
import { type Spread, spread } from './stats.ts'

export interface HotVariant {
  name: string
  /** The hand-written version this row is compared with, when not the HS256 one. */
  handWritten?: string
  /** The Express peer this row is compared with, when not the HS256 one. */
  peer?: string
  /** A setting's variant of that row (`LOG_TOKENS_ISSUED = false`): reported against it, not the peers. */
  variantOf?: string
  headers: Record<string, string>
  start(): Promise<RunningServer>
}

export interface HotRow {
  name: string
  handWritten?: string
  peer?: string
  variantOf?: string
  perSecond: Spread
  p50Micros: Spread
  p99Micros: Spread
  cpuMicros: Spread
}

export interface HotSettings {
  rounds: number
  requestsPerRound: number
  warmupRequests: number
  connections: number
}

export async function measureHot(variants: HotVariant[], settings: HotSettings): Promise<HotRow[]> {
  const servers: RunningServer[] = []
  try {
    // One at a time: each Miniflare's workerd is told apart by the children it adds.
    for (const variant of variants) servers.push(await variant.start())
    const load = (index: number, requests: number) =>
      runLoad(`${servers[index].url}/token`, variants[index].headers, {
        requests,
        connections: settings.connections,
      })
    for (const [index, variant] of variants.entries()) {
      expectAllOk(variant.name, await load(index, settings.warmupRequests))
    }
    const samples = variants.map(() => ({
      perSecond: [] as number[],
      p50: [] as number[],
      p99: [] as number[],
      cpu: [] as number[],
    }))
    for (let round = 0; round < settings.rounds; round++) {
      for (const [index, variant] of variants.entries()) {
        const cpuBefore = servers[index].cpuNanoseconds()
        const result = await load(index, settings.requestsPerRound)
        expectAllOk(variant.name, result)
        const sample = samples[index]
        sample.cpu.push((servers[index].cpuNanoseconds() - cpuBefore) / 1_000 / settings.requestsPerRound)
        sample.perSecond.push(settings.requestsPerRound / result.seconds)
        sample.p50.push(result.latencyMicros.p50)
        sample.p99.push(result.latencyMicros.p99)
      }
    }
    return variants.map((variant, index) => ({
      name: variant.name,
      handWritten: variant.handWritten,
      peer: variant.peer,
      variantOf: variant.variantOf,
      perSecond: spread(samples[index].perSecond),
      p50Micros: spread(samples[index].p50),
      p99Micros: spread(samples[index].p99),
      cpuMicros: spread(samples[index].cpu),
    }))
  } finally {
    await Promise.all(servers.map((server) => server.stop()))
  }
}

function expectAllOk(name: string, result: { statuses: Record<number, number> }) {
  const statuses = Object.keys(result.statuses)
  if (statuses.length !== 1 || statuses[0] !== '200') {
    throw new Error(`${name}: expected only 200s, got ${JSON.stringify(result.statuses)}`)
  }
}
