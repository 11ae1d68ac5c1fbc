/**
 * @module Runs one Worker under Miniflare's workerd, reached through a direct socket, for the
 * benchmark, the profiler and the load run. Miniflare gives what plain workerd lacks without
 * hand-written runtime configuration: the Cache API (persisted to a folder a second process
 * can share, as a location's isolates share it), loopback fetches and the inspector.
 *
 * The direct socket (`unsafeDirectSockets`) connects straight to the Worker: Miniflare's entry
 * Worker, which rewrites every request for `wrangler dev`, costs 2.6–2.7 times the floor Worker
 * itself and would blur every ratio; the direct socket costs what plain workerd does, within
 * the spread (`bench/harness.ts`; BENCHMARKS.md → "Harness").
 */
import { readdirSync, readFileSync } from 'node:fs'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'
import { processCpuNanoseconds, type RunningServer, type WorkerSpec } from './servers.ts'

export interface MiniflareOptions {
  /** Where the Cache API keeps its entries; two processes given one folder share a cache. */
  persistTo?: string
  /** Through Miniflare's entry Worker, as `wrangler dev` serves: only to measure what it costs. */
  throughEntry?: boolean
  /** workerd's DevTools inspector, for `npm run profile`. */
  inspectorPort?: number
}

export async function startMiniflare(spec: WorkerSpec, options: MiniflareOptions = {}): Promise<RunningServer> {
  const before = new Set(workerdChildren())
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      scriptPath: spec.modulePath,
      compatibilityDate: spec.compatibilityDate,
      bindings: spec.bindings as Record<string, never>,
      analyticsEngineDatasets: spec.analyticsEngineDatasets,
      unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
      resourcePersistencePath: options.persistTo,
      inspectorPort: options.inspectorPort,
      enableDevRegistry: false,
      logRequests: false,
      // The Worker's own log lines would drown the report.
      handleStructuredLogs: () => {},
    }),
  )
  const entry = await miniflare.ready
  const url = (options.throughEntry ? entry : await miniflare.unsafeGetDirectURL()).href.replace(/\/$/, '')
  const [pid] = workerdChildren().filter((child) => !before.has(child))
  if (pid === undefined) throw new Error('could not find the workerd process Miniflare started')
  return { url, pid, cpuNanoseconds: () => processCpuNanoseconds(pid), stop: () => miniflare.dispose() }
}

/** This process's children that run workerd. */
function workerdChildren(): number[] {
  const children: number[] = []
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    const listed = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').split(' ')
    for (const child of listed.filter(Boolean).map(Number)) {
      if (readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'workerd') children.push(child)
    }
  }
  return children
}
