/**
 * @module One source of truth for the environment a Worker gets. Every npm script that checks
 * a configuration (`dev`, `check-config`, `deploy`, `dry-run`, `secret`) reads its arguments,
 * its configuration file and its env through here, and each comes from wrangler itself:
 *
 * - the arguments as wrangler parses them (`wrangler-args.ts`), the file as wrangler finds
 *   and reads it (`wrangler-config.ts`);
 * - locally, the env `wrangler dev` builds: `getPlatformProxy` gives the vars, the local
 *   secrets file and a real object for every binding the file declares (KV, rate limiters,
 *   and any other kind), then the `--var` values go on top, as strings, as wrangler puts them;
 * - deployed, the vars of that environment with `--var` on top, and the routes it serves.
 */
import { getPlatformProxy } from 'wrangler'
import { type LocalSecretsFile, localSecretsFile } from './local-secrets.ts'
import { parseWranglerArgs, type WranglerArgs } from './wrangler-args.ts'
import { asScriptErrorAsync, type ConfigFile, findConfigFile, readEnvironment } from './wrangler-config.ts'

export interface Run {
  /** The wrangler command the script wraps: "dev", "deploy", "secret put". */
  command: string
  args: WranglerArgs
  file: ConfigFile
}

/** An environment of the file: the one the arguments name, or one of `--all`. */
export interface Target {
  /** The environment whose configuration applies (the top level when `undefined`). */
  environment?: string
  /** The `--env` flag wrangler would see: it alone picks `.dev.vars.<env>`. */
  envFlag?: string
}

/** Where a name's value comes from, to report a problem under the file that holds it. */
export type Origin = 'config' | 'local' | 'command line'

export interface LocalEnv {
  env: Record<string, unknown>
  origin(name: string): Origin
  secrets: LocalSecretsFile
}

/** Reads a script's arguments as `wrangler <command>` would, and finds its configuration file. */
export function openRun(command: string, argv: readonly string[], own: Record<string, 'boolean' | 'string'> = {}): Run {
  const args = parseWranglerArgs(command, argv, own)
  return { command, args, file: findConfigFile(args.config) }
}

/** The environment the arguments name. */
export function targetOf(run: Run): Target {
  return { environment: run.args.environment, envFlag: run.args.envFlag }
}

/** The vars `target` gets: the file's, then `--var`'s. */
export function varsOf(run: Run, target: Target, quiet = true): Record<string, unknown> {
  return { ...readEnvironment(run.file, target.environment, quiet).vars, ...run.args.vars }
}

/** The routes a deployment of `target` serves: the file's `route`/`routes`, `--route` and `--domain`. */
export function routesOf(run: Run, target: Target): unknown[] {
  const config = readEnvironment(run.file, target.environment, true)
  const list = (value: unknown) => [value ?? []].flat()
  return [
    ...list(config.route),
    ...list(config.routes),
    ...list(run.args.values.routes),
    ...list(run.args.values.domains),
  ]
}

/** The name of the Worker a deployment of `target` updates (`--name` as wrangler combines it). */
export function workerNameOf(run: Run, target: Target): string | undefined {
  const given = run.args.values.name
  if (typeof given === 'string') return target.environment ? `${given}-${target.environment}` : given
  return readEnvironment(run.file, target.environment, true).name
}

/**
 * Runs `use` over the env `wrangler dev` would give the Worker for `target`, then disposes of
 * the local runtime that serves its bindings. `quiet` leaves wrangler's notes to the
 * `wrangler dev` that follows, which prints them itself.
 */
export async function withLocalEnv<T>(
  run: Run,
  target: Target,
  quiet: boolean,
  use: (local: LocalEnv) => Promise<T>,
): Promise<T> {
  const secrets = localSecretsFile(run.file.path, { ...run.args, envFlag: target.envFlag })
  const level = process.env.WRANGLER_LOG
  if (quiet) process.env.WRANGLER_LOG = 'error'
  try {
    const proxy = await asScriptErrorAsync(() =>
      getPlatformProxy({
        configPath: run.file.path,
        environment: target.envFlag,
        envFiles: run.args.envFiles,
        persist: false,
        remoteBindings: false,
      }),
    )
    try {
      const env = { ...proxy.env, ...run.args.vars }
      const origin = (name: string): Origin =>
        name in run.args.vars ? 'command line' : secrets.names.has(name) ? 'local' : 'config'
      return await use({ env, origin, secrets })
    } finally {
      await proxy.dispose()
    }
  } finally {
    if (level === undefined) delete process.env.WRANGLER_LOG
    else process.env.WRANGLER_LOG = level
  }
}
