/**
 * @module Runs one Worker under plain `workerd` (no wrangler, no proxy) and reads the CPU
 * time its process has used.
 */
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { freePort, stopProcess, waitUntilServing } from '../test/support/local-servers.ts'

/** The workerd that wrangler itself runs, so the benchmark sees the same runtime. */
const workerdBinary: string = createRequire(createRequire(import.meta.url).resolve('wrangler/package.json'))(
  'workerd',
).default

export type Binding = string | unknown

export interface WorkerSpec {
  /** The folder holding `modulePath`; the capnp config is written beside it. */
  dir: string
  modulePath: string
  compatibilityDate: string
  bindings: Record<string, Binding>
  /** Let the Worker fetch from loopback (a JWKS server of the load run); workerd allows only public addresses otherwise. */
  allowLoopback?: boolean
}

export interface RunningWorker {
  url: string
  pid: number
  /** Nanoseconds on CPU, summed over the process's threads. */
  cpuNanoseconds(): number
  stop(): Promise<void>
}

export async function startWorkerd(name: string, spec: WorkerSpec): Promise<RunningWorker> {
  const port = await freePort()
  const configPath = join(spec.dir, `${name}.capnp`)
  writeFileSync(configPath, capnpConfig(port, spec))
  // The Worker's own log lines (stdout) would drown the report; workerd's errors stay visible.
  const child = spawn(workerdBinary, ['serve', configPath], { stdio: ['ignore', 'ignore', 'inherit'] })
  const url = `http://127.0.0.1:${port}`
  await waitUntilServing(url, child, { name: 'workerd', timeoutMs: 20_000 })
  return {
    url,
    pid: child.pid as number,
    cpuNanoseconds: () => processCpuNanoseconds(child.pid as number),
    stop: () => stopProcess(child),
  }
}

function capnpConfig(port: number, spec: WorkerSpec): string {
  const bindings = Object.entries(spec.bindings).map(([name, value]) =>
    typeof value === 'string'
      ? `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`
      : `(name = ${JSON.stringify(name)}, json = ${JSON.stringify(JSON.stringify(value))})`,
  )
  const internet = spec.allowLoopback
    ? ', (name = "internet", network = (allow = ["public", "local"], tlsOptions = (trustBrowserCas = true)))'
    : ''
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)${internet}],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed ${JSON.stringify(relative(spec.dir, spec.modulePath))})],
  compatibilityDate = ${JSON.stringify(spec.compatibilityDate)},
  bindings = [
    ${bindings.join(',\n    ')}
  ],
);
`
}

function processCpuNanoseconds(pid: number): number {
  let total = 0
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
  }
  return total
}
