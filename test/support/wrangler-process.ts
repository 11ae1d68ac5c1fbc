/**
 * @module Runs the real `wrangler` CLI from the project, as a user would, for the interop tests.
 */
import { execFile, spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { freePort, stopProcess, waitUntilServing, wranglerReadyLine } from './local-servers.ts'

/** Run with this process's Node (22), whatever `node` is first on PATH. */
const WRANGLER = ['node_modules/wrangler/bin/wrangler.js']
const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' }

export interface DevServer {
  /** `http://127.0.0.1:PORT`; a browser test may use `http://localhost:PORT` instead. */
  url: string
  port: number
  stop(): Promise<void>
}

/**
 * `wrangler dev src/dev.ts` on a free loopback port, with the committed demo secrets;
 * `vars` override wrangler.toml's through `--var` (lists as JSON text); `args` are more
 * wrangler arguments (`--env production`; `--port` among them is the port used).
 */
export async function startWranglerDev(
  vars: Record<string, string> = {},
  {
    configPath,
    envFile = resolve('.dev.vars.example'),
    args = [],
  }: { configPath?: string; envFile?: string; args?: string[] } = {},
): Promise<DevServer> {
  // `args` may name the port (the arguments `npm run dev` passes on do).
  const given = args.indexOf('--port')
  const port = given >= 0 ? Number(args[given + 1]) : await freePort()
  const varArgs = Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`])
  const child = spawn(
    process.execPath,
    [
      ...WRANGLER,
      'dev',
      ...(configPath ? ['--config', configPath] : ['src/dev.ts']),
      '--ip',
      '127.0.0.1',
      ...(given >= 0 ? [] : ['--port', String(port)]),
      '--inspector-port',
      String(await freePort()),
      '--env-file',
      envFile,
      '--show-interactive-dev-session=false',
      ...varArgs,
      ...args,
    ],
    { env: quietEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  const url = `http://127.0.0.1:${port}`
  await waitUntilServing(url, child, {
    name: 'wrangler dev',
    timeoutMs: 45_000,
    output: () => output,
    readyLine: wranglerReadyLine(url),
  })
  return { url, port, stop: () => stopProcess(child) }
}

/** `wrangler deploy --dry-run` for an environment (the top level when absent), bundling into `outdir`. */
export async function dryRunDeploy(
  environment: string | undefined,
  outdir: string,
  extraArgs: string[] = [],
): Promise<string> {
  const envArgs = environment ? ['--env', environment] : []
  return runWrangler(['deploy', '--dry-run', ...envArgs, '--outdir', outdir, ...extraArgs])
}

/** Any wrangler command, without telemetry or colour; resolves to what it printed. */
export async function runWrangler(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [...WRANGLER, ...args], { env: quietEnv })
  return stdout
}
