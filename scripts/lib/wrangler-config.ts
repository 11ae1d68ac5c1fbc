/**
 * @module The Wrangler configuration file of a run, found and read by wrangler itself:
 * `wrangler.json`, `wrangler.jsonc` or `wrangler.toml`, from the working directory up, or
 * `--config`. A file wrangler cannot read becomes a `ScriptError` printed as wrangler prints
 * it (`wrangler.toml:30:12`, the line, a caret), never a stack trace with the file's text.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path'
import { formatMessagesSync, type PartialMessage } from 'esbuild'
import { experimental_readRawConfig, type Unstable_Config, unstable_readConfig } from 'wrangler'
import { PROJECT_ROOT } from './import-worker-module.ts'

/** The production Worker: the only entry a deployment may build. */
export const PRODUCTION_ENTRY = resolve(PROJECT_ROOT, 'src/index.ts')
/** The development Worker, which mints sessions for anyone: `npm run dev` only. */
export const DEVELOPMENT_ENTRY = resolve(PROJECT_ROOT, 'src/dev.ts')

/** A mistake in what the user gave: printed as it is, and the script exits 1. */
export class ScriptError extends Error {
  override name = 'ScriptError'
}

export interface ConfigFile {
  /** The file's absolute path. */
  path: string
  /** The path as printed: relative to the working directory when inside it. */
  label: string
  /** The names of its `[env.*]` environments. */
  environments: string[]
  /** Each `main` the file sets, at the top level and per environment, resolved as wrangler resolves it. */
  mains: { where: string; main: string }[]
}

/** The file this run reads, found the way wrangler finds it. */
export function findConfigFile(configArg: string | undefined): ConfigFile {
  const { rawConfig, userConfigPath } = asScriptError(() => experimental_readRawConfig({ config: configArg }))
  if (!userConfigPath) {
    throw new ScriptError(
      `No wrangler.json, wrangler.jsonc or wrangler.toml in ${process.cwd()} or above: run from the project, or give --config PATH`,
    )
  }
  const path = resolve(userConfigPath)
  const environments = Object.keys(rawConfig.env ?? {})
  const mains = [
    { where: 'main', main: rawConfig.main },
    ...environments.map((name) => ({ where: `[env.${name}] main`, main: rawConfig.env?.[name]?.main })),
  ]
    .filter((entry): entry is { where: string; main: string } => typeof entry.main === 'string')
    .map(({ where, main }) => ({ where, main: resolve(dirname(path), main) }))
  return { path, label: displayPath(path), environments, mains }
}

/** The configuration of one environment (the top level when `undefined`), as wrangler resolves it. */
export function readEnvironment(file: ConfigFile, environment: string | undefined, quiet: boolean): Unstable_Config {
  return asScriptError(() => unstable_readConfig({ config: file.path, env: environment }, { hideWarnings: quiet }))
}

/** `where` as a header: `wrangler.toml` or `wrangler.toml [env.production]`. */
export function where(file: ConfigFile, environment: string | undefined): string {
  return environment ? `${file.label} [env.${environment}]` : file.label
}

/** A path as wrangler prints paths: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  const inside = relative(process.cwd(), path)
  return inside.startsWith('..') || isAbsolute(inside) ? path : inside
}

/** Runs `read`, turning wrangler's errors about the user's files into a `ScriptError`. */
export function asScriptError<T>(read: () => T): T {
  try {
    return read()
  } catch (error) {
    throw new ScriptError(wranglerErrorText(error))
  }
}

/** As `asScriptError`, for an asynchronous `read` (wrangler's local runtime). */
export async function asScriptErrorAsync<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    throw new ScriptError(wranglerErrorText(error))
  }
}

/**
 * What wrangler would print for this error: a parse error as esbuild formats it (wrangler's
 * own `formatMessage`: the file, line and column, the line, a caret), without the file's text.
 */
function wranglerErrorText(error: unknown): string {
  const parse = error as { name?: string; text?: string; notes?: PartialMessage['notes']; location?: object }
  if (parse?.name === 'ParseError' && typeof parse.text === 'string') {
    const message: PartialMessage = {
      text: parse.text,
      location: withoutFileText(parse.location),
      notes: parse.notes?.map((note) => ({ ...note, location: withoutFileText(note.location) })),
    }
    return formatMessagesSync([message], { kind: 'error', color: process.stdout.isTTY === true })
      .join('\n')
      .trimEnd()
  }
  return error instanceof Error ? error.message : String(error)
}

function withoutFileText(location: unknown): PartialMessage['location'] {
  if (!location) return undefined
  const { fileText: _, ...rest } = location as { fileText?: string }
  return rest as PartialMessage['location']
}

/**
 * Runs a script's `main`: a `ScriptError` is printed as it is and the exit code is 1; anything
 * else is a bug in the script, and keeps its stack.
 */
export async function runScript(main: () => Promise<void>): Promise<void> {
  try {
    await main()
  } catch (error) {
    if (!(error instanceof ScriptError)) throw error
    console.error(error.message)
    process.exitCode = 1
  }
}
