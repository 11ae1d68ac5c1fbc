/**
 * @module What the benchmark starts, whichever way it runs: a Worker's module and bindings,
 * and a running server whose process's CPU time can be read.
 */
import { readdirSync, readFileSync } from 'node:fs'

export type Binding = string | unknown

export interface WorkerSpec {
  modulePath: string
  compatibilityDate: string
  bindings: Record<string, Binding>
}

export interface RunningServer {
  url: string
  pid: number
  /** Nanoseconds on CPU, summed over the process's threads. */
  cpuNanoseconds(): number
  stop(): Promise<void>
}

export function processCpuNanoseconds(pid: number): number {
  let total = 0
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
  }
  return total
}
