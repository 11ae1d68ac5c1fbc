/**
 * @module The arguments of a wrangler command as wrangler itself reads them. The flags' names,
 * aliases, types and repetition come from wrangler's own command definitions
 * (`experimental_getWranglerCommands`), so that `-e prod`, `--env=prod`, `--var A:1 --var B:2`,
 * `--env-file`, `--script` and a positional entry mean here what they mean to wrangler. The
 * npm scripts read from them what they must check, and hand the arguments on untouched.
 */
import { parseArgs } from 'node:util'
import { experimental_getWranglerCommands } from 'wrangler'

/** A flag as wrangler's command registry defines it (yargs options). */
interface FlagDefinition {
  type?: string
  alias?: string | readonly string[]
  array?: boolean
}

interface CommandNode {
  definition?: { args?: Record<string, FlagDefinition>; positionalArgs?: string[] }
  subtree: Map<string, CommandNode>
}

export interface WranglerArgs {
  /** The arguments to hand on to wrangler: as given, without this project's own flags. */
  passOn: string[]
  /** `--env`/`-e` as given: wrangler picks the `.dev.vars.<env>` file by this flag only. */
  envFlag?: string
  /** The environment whose configuration applies: `--env`, else `CLOUDFLARE_ENV` (wrangler's default). */
  environment?: string
  /** `--config`/`-c`; the first one when `wrangler dev` is given several. */
  config?: string
  /** `--var KEY:VALUE`, split at the first ':' as wrangler splits it: strings. */
  vars: Record<string, string>
  envFiles?: string[]
  /** The entry given on the command line: the positional script or path, or `--script`. */
  script?: string
  /** The other positional arguments, by wrangler's names (`key` for `wrangler secret put`). */
  positionals: Record<string, string>
  /** Every flag wrangler would read, by its canonical name. */
  values: Record<string, unknown>
  /** This project's own flags, which wrangler never sees. */
  own: Record<string, string | boolean | undefined>
}

/** The definitions of `command` ("dev", "deploy", "secret put"), with wrangler's global flags. */
function definitionsOf(command: string) {
  const { registry, globalFlags } = experimental_getWranglerCommands()
  let node = registry as unknown as CommandNode
  for (const word of command.split(' ')) {
    const next = node.subtree.get(word)
    if (!next) throw new Error(`wrangler has no command "${command}"`)
    node = next
  }
  const flags = { ...(globalFlags as Record<string, FlagDefinition>), ...node.definition?.args }
  return { flags, positionalNames: node.definition?.positionalArgs ?? [] }
}

/** Reads `argv` as `wrangler <command>` would, with `own` flags (name → type) of the npm script. */
export function parseWranglerArgs(
  command: string,
  argv: readonly string[],
  own: Record<string, 'boolean' | 'string'> = {},
): WranglerArgs {
  const { values, positionals, positionalNames, without } = parse(command, argv, own)
  const byName = Object.fromEntries(positionalNames.map((name, index) => [name, positionals[index]]))
  return {
    passOn: without(Object.keys(own)),
    envFlag: text(values.env),
    environment: text(values.env) ?? (process.env.CLOUDFLARE_ENV || undefined),
    config: [values.config].flat().map(text)[0],
    vars: Object.fromEntries(list(values.var).map((pair) => [pair.split(':')[0], pair.split(':').slice(1).join(':')])),
    envFiles: values['env-file'] === undefined ? undefined : list(values['env-file']),
    script: text(values.script) ?? byName.script ?? byName.path,
    positionals: byName,
    values,
    own: Object.fromEntries(Object.keys(own).map((name) => [name, values[name] as string | boolean | undefined])),
  }
}

/** `argv` without the wrangler flags `names` (by canonical name, with their values), to hand the rest on. */
export function withoutFlags(command: string, argv: readonly string[], names: string[]): string[] {
  return parse(command, argv, {}).without(names)
}

function parse(command: string, argv: readonly string[], own: Record<string, 'boolean' | 'string'>) {
  const { flags, positionalNames } = definitionsOf(command)
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {}
  const canonical: Record<string, string> = {}
  for (const [name, flag] of Object.entries(flags)) {
    const type = flag.type === 'boolean' ? 'boolean' : 'string'
    options[name] = { type, multiple: flag.array === true }
    canonical[name] = name
    for (const alias of [flag.alias ?? []].flat()) {
      if (alias.length === 1) options[name].short = alias
      else [options[alias], canonical[alias]] = [{ type, multiple: flag.array === true }, name]
    }
  }
  for (const [name, type] of Object.entries(own)) [options[name], canonical[name]] = [{ type }, name]
  const {
    values: parsed,
    positionals,
    tokens,
  } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    allowNegative: true,
    tokens: true,
  })
  const values: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(parsed)) {
    const key = canonical[name] ?? name
    values[key] = Array.isArray(value) ? [...((values[key] as unknown[]) ?? []), ...value] : value
  }
  /** The arguments without the tokens of these flags, and the separate values they took. */
  function without(names: string[]): string[] {
    const drop = new Set<number>()
    for (const token of tokens) {
      if (token.kind !== 'option' || !names.includes(canonical[token.name] ?? token.name)) continue
      drop.add(token.index)
      if (token.value !== undefined && !token.inlineValue) drop.add(token.index + 1)
    }
    return argv.filter((_, index) => !drop.has(index))
  }
  return { values, positionals, positionalNames, without }
}

/** True when a boolean flag was given as `--flag` or `--flag=true`. */
export function isSet(value: unknown): boolean {
  return value === true || value === 'true'
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function list(value: unknown): string[] {
  return [value ?? []].flat().filter((item): item is string => typeof item === 'string')
}
