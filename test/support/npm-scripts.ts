/**
 * @module Runs the project's npm scripts as a user does, for the interop tests: a script's
 * Node entry as `npm run` runs it (with this process's Node 22), and `npm run dev` itself, the
 * npm script, on free loopback ports.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll } from 'vitest'
import { freePort, waitUntilServing, wranglerReadyLine } from './local-servers.ts'

/** A home of its own for each test file, where wrangler finds no login of the tester's. */
const HOME = mkdtempSync(join(tmpdir(), 'cwt-home-'))
afterAll(() => rmSync(HOME, { recursive: true, force: true }))

/** Without telemetry or colour, and without the tester's own Cloudflare credentials or login. */
export function isolatedEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const {
    CLOUDFLARE_API_TOKEN: _token,
    CLOUDFLARE_API_KEY: _key,
    CLOUDFLARE_ACCOUNT_ID: _account,
    CLOUDFLARE_ENV: _env,
    ...inherited
  } = process.env
  return { ...inherited, HOME, XDG_CONFIG_HOME: HOME, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', ...env }
}

/** Runs `scripts/<name>.ts` as `npm run <name>` would, and keeps its exit code and output. */
export async function runScript(
  script: string,
  args: string[],
  { env = {}, cwd, input }: { env?: Record<string, string | undefined>; cwd?: string; input?: string } = {},
): Promise<{ code: number; output: string }> {
  const run = promisify(execFile)(process.execPath, [resolve(script), ...args], { env: isolatedEnv(env), cwd })
  run.child.stdin?.end(input)
  try {
    const { stdout, stderr } = await run
    return { code: 0, output: stdout + stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, output: failed.stdout + failed.stderr }
  }
}

export interface NpmDev {
  url: string
  /** Everything `npm run dev` printed so far. */
  output(): string
  stop(): Promise<void>
}

/**
 * `npm run dev -- …args` on a free loopback port (and inspector port), as a user runs it;
 * resolves once it serves. `stop` ends npm and everything it started (its process group).
 */
export async function startNpmDev(args: string[], env: Record<string, string> = {}): Promise<NpmDev> {
  const port = await freePort()
  const ports = ['--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort())]
  const child = spawn('npm', ['run', 'dev', '--', ...args, ...ports, '--show-interactive-dev-session=false'], {
    env: isolatedEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  return untilServing(child, `http://127.0.0.1:${port}`, 'npm run dev')
}

/** A command line run as typed in a shell (`sh -c`), such as one a script printed, that serves on `url`. */
export function startCommandLine(line: string, url: string, env: Record<string, string> = {}): Promise<NpmDev> {
  const child = spawn('sh', ['-c', line], { env: isolatedEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  return untilServing(child, url, line)
}

async function untilServing(child: ChildProcess, url: string, name: string): Promise<NpmDev> {
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  const readyLine = wranglerReadyLine(url)
  await waitUntilServing(url, child, { name, timeoutMs: 60_000, output: () => output, readyLine }).catch(
    async (error) => {
      await stopGroup(child)
      throw error
    },
  )
  return { url, output: () => output, stop: () => stopGroup(child) }
}

/** `npm run dev` until it exits on its own, as when its check refuses the configuration. */
export async function runNpmDevToExit(args: string[], env: Record<string, string> = {}) {
  const child = spawn('npm', ['run', 'dev', '--', ...args], {
    env: isolatedEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  const code = await new Promise<number>((done) => child.on('exit', (exit) => done(exit ?? 1)))
  return { code, output }
}

/** SIGTERM to the process group, then SIGKILL if it lingers; resolves when npm has exited. */
function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.pid === undefined) return done()
    child.once('exit', () => done())
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-(child.pid as number), name)
      } catch {
        // The group has already exited.
      }
    }
    signal('SIGTERM')
    setTimeout(() => signal('SIGKILL'), 5_000).unref()
  })
}
