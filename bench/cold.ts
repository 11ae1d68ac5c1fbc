/**
 * @module Cold isolates: a fresh workerd process per trial, then its first and second
 * requests. workerd evaluates the Worker before it listens (this Worker reads its
 * configuration and imports its keys then); the first request pays for compiling the code it
 * runs and, with `SESSION_JWKS_URL`, the key set's fetch, unless the location's cache already
 * holds it. The bundle's own startup cost is `wrangler check startup`'s (`startup.ts`): the
 * process's CPU at startup is mostly Miniflare's own services and varies by more than it.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { get } from './load.ts'
import { startMiniflare } from './miniflare.ts'
import type { RunningServer, WorkerSpec } from './servers.ts'
import { type Spread, spread } from './stats.ts'

export interface ColdVariant {
  name: string
  headers: Record<string, string>
  spec: WorkerSpec
  /** Another isolate of the location serves first, leaving what it cached. */
  primeLocation?: boolean
  /** How many requests the login service has answered so far. */
  upstreamRequests?(): number
}

export interface ColdRow {
  name: string
  firstMs: Spread
  firstCpuMs: Spread
  secondMs: Spread
  /** Requests to the login service made by the measured process, per trial (median). */
  upstreamRequests?: number
}

export async function measureCold(variants: ColdVariant[], { trials, dir }: { trials: number; dir: string }) {
  const samples = variants.map(() => ({
    first: [] as number[],
    firstCpu: [] as number[],
    second: [] as number[],
    upstream: [] as number[],
  }))
  for (let trial = 0; trial < trials; trial++) {
    for (const [index, variant] of variants.entries()) {
      const location = join(dir, `${index}-${trial}`)
      rmSync(location, { recursive: true, force: true })
      mkdirSync(location, { recursive: true })
      // The location's cache is a folder the trial starts empty.
      const start = () => startMiniflare(variant.spec, { persistTo: location })
      if (variant.primeLocation) await firstRequests(await start(), variant)
      const upstreamBefore = variant.upstreamRequests?.() ?? 0
      const server = await start()
      const sample = samples[index]
      const { firstMs, firstCpuMs, secondMs } = await firstRequests(server, variant)
      sample.first.push(firstMs)
      sample.firstCpu.push(firstCpuMs)
      sample.second.push(secondMs)
      sample.upstream.push((variant.upstreamRequests?.() ?? 0) - upstreamBefore)
    }
  }
  return variants.map(
    (variant, index): ColdRow => ({
      name: variant.name,
      firstMs: spread(samples[index].first),
      firstCpuMs: spread(samples[index].firstCpu),
      secondMs: spread(samples[index].second),
      upstreamRequests: variant.upstreamRequests ? spread(samples[index].upstream).median : undefined,
    }),
  )
}

/** The server's first two token requests, timed; then the server is stopped. */
async function firstRequests(server: RunningServer, variant: ColdVariant) {
  try {
    const cpuBefore = server.cpuNanoseconds()
    const first = await timedGet(`${server.url}/token`, variant.headers)
    const firstCpuMs = (server.cpuNanoseconds() - cpuBefore) / 1e6
    const second = await timedGet(`${server.url}/token`, variant.headers)
    for (const answer of [first, second]) {
      if (answer.status !== 200) throw new Error(`${variant.name}: a cold request got ${answer.status}`)
    }
    return { firstMs: first.ms, firstCpuMs, secondMs: second.ms }
  } finally {
    await server.stop()
  }
}

/** One GET on a new connection, timed from sending to the last byte of the answer. */
async function timedGet(url: string, headers: Record<string, string>): Promise<{ status: number; ms: number }> {
  const started = process.hrtime.bigint()
  const status = await get(url, headers, false)
  return { status, ms: Number(process.hrtime.bigint() - started) / 1e6 }
}
