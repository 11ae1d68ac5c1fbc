/**
 * @module Runs one Worker under plain `workerd` (no wrangler, no Miniflare, no proxy), from a
 * capnp configuration written here: the reference `bench/harness.ts` holds Miniflare's
 * direct socket against, so that the benchmark's own harness is measured, not assumed.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative, resolve } from 'node:path'
import { freePort } from '../test/support/local-servers.ts'
import { type RunningServer, servingChild, type WorkerSpec } from './servers.ts'

/** The workerd that wrangler itself runs, so the benchmark sees the same runtime. */
const workerdBinary: string = createRequire(createRequire(import.meta.url).resolve('wrangler/package.json'))(
  'workerd',
).default
const CONFIG_DIR = resolve('bench/.out/workerd')

export async function startWorkerd(spec: WorkerSpec): Promise<RunningServer> {
  const port = await freePort()
  mkdirSync(CONFIG_DIR, { recursive: true })
  const configPath = join(CONFIG_DIR, `${port}.capnp`)
  writeFileSync(configPath, capnpConfig(port, spec))
  const child = spawn(workerdBinary, ['serve', configPath], { stdio: ['ignore', 'ignore', 'inherit'] })
  return servingChild(child, port, 'workerd')
}

function capnpConfig(port: number, spec: WorkerSpec): string {
  const bindings = Object.entries(spec.bindings).map(([name, value]) =>
    typeof value === 'string'
      ? `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`
      : `(name = ${JSON.stringify(name)}, json = ${JSON.stringify(JSON.stringify(value))})`,
  )
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed ${JSON.stringify(relative(CONFIG_DIR, resolve(spec.modulePath)))})],
  compatibilityDate = ${JSON.stringify(spec.compatibilityDate)},
  bindings = [
    ${bindings.join(',\n    ')}
  ],
);
`
}
