/**
 * @module What the benchmark starts, whichever way it runs: a Worker's module and bindings,
 * and a running server whose process's CPU time can be read.
 */
import type { ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { stopProcess, waitUntilServing } from '../test/support/local-servers.ts'

export type Binding = string | unknown

export interface WorkerSpec {
  modulePath: string
  compatibilityDate: string
  bindings: Record<string, Binding>
  /** Workers Analytics Engine datasets, by binding name (Miniflare's local ones, which send nowhere). */
  analyticsEngineDatasets?: Record<string, { dataset: string }>
}

export interface RunningServer {
  url: string
  pid: number
  /** Nanoseconds on CPU, summed over the process's threads. */
  cpuNanoseconds(): number
  stop(): Promise<void>
}

/** A child process that serves HTTP on loopback `port`, once it answers. */
export async function servingChild(child: ChildProcess, port: number, name: string): Promise<RunningServer> {
  const url = `http://127.0.0.1:${port}`
  await waitUntilServing(url, child, { name, timeoutMs: 20_000 })
  const pid = child.pid as number
  return { url, pid, cpuNanoseconds: () => processCpuNanoseconds(pid), stop: () => stopProcess(child) }
}

export function processCpuNanoseconds(pid: number): number {
  let total = 0
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
  }
  return total
}
