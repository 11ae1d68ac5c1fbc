/**
 * @module The local secrets of a `wrangler dev` run: the file wrangler reads them from, which
 * names it holds, and the demo values `npm run dev` adds for the secrets a configuration needs.
 *
 * The file is the one wrangler picks (`getVarsForDev`): the `--env-file` files when given,
 * else `.dev.vars.<env>` (by the `--env` flag), else `.dev.vars`, next to the configuration
 * file; without those, `.env` files. Which names it holds is asked of wrangler. A new file is
 * `.dev.vars.<env>` or `.dev.vars`; demo values go only into `.dev.vars*` files, which exist
 * for wrangler alone: a `.env` file or one given with `--env-file` may serve other tools.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { parseEnv } from 'node:util'
import { unstable_getVarsForDev } from 'wrangler'
import { PROJECT_ROOT } from './import-worker-module.ts'
import type { WranglerArgs } from './wrangler-args.ts'
import { displayPath } from './wrangler-config.ts'

const EXAMPLE = resolve(PROJECT_ROOT, '.dev.vars.example')
const NEW_FILE = '# Local secrets for `wrangler dev`, which `npm run dev` runs. Never commit this file.\n\n'

export interface LocalSecretsFile {
  /** The file's absolute path; it may not exist yet. */
  path: string
  label: string
  /** Whether `npm run dev` may add demo values to it (a `.dev.vars*` file). */
  writable: boolean
  /** The names wrangler reads from it (from every `--env-file` file, when given). */
  names: Set<string>
}

/** The local secrets file of a run whose configuration file is `configPath`. */
export function localSecretsFile(configPath: string, args: WranglerArgs): LocalSecretsFile {
  const names = new Set(Object.keys(unstable_getVarsForDev(configPath, args.envFiles, {}, args.envFlag, true)))
  const dir = dirname(configPath)
  const given = args.envFiles?.map((file) => resolve(dir, file))
  const devVars = [args.envFlag && `.dev.vars.${args.envFlag}`, '.dev.vars']
    .filter((name): name is string => Boolean(name))
    .map((name) => resolve(dir, name))
  // wrangler's fallback when no .dev.vars file exists (getDefaultEnvFiles): later files win.
  const dotEnv = ['.env', '.env.local', ...(args.envFlag ? [`.env.${args.envFlag}`, `.env.${args.envFlag}.local`] : [])]
  const path =
    given?.at(-1) ??
    devVars.find(existsSync) ??
    dotEnv
      .map((name) => resolve(dir, name))
      .filter(existsSync)
      .at(-1) ??
    devVars[0]
  return { path, label: displayPath(path), writable: !given && basename(path).startsWith('.dev.vars'), names }
}

/** Whether the file already holds a secret that is not a demo value (the user's own). */
function holdsRealSecret(file: LocalSecretsFile, widgetKeys: string[]): boolean {
  if (!existsSync(file.path)) return false
  const held = parseEnv(readFileSync(file.path, 'utf8'))
  return Object.entries(held).some(([name, value]) => {
    const demo = demoValue(name, widgetKeys)
    return demo !== undefined && value !== demo
  })
}

/** The demo value for a secret, when there is one: `.dev.vars.example`, whose widget key serves every widget. */
export function demoValue(name: string, widgetKeys: string[]): string | undefined {
  const example = parseEnv(readFileSync(EXAMPLE, 'utf8'))
  return example[name] ?? (widgetKeys.includes(name) ? example.CONNECT_SECRET : undefined)
}

/**
 * Appends demo values for the `missing` secrets that have one, marked as such; returns the
 * names added. A file that does not exist yet is created with a header saying what it is.
 *
 * Never beside a real secret: a real widget key with the public demo session secret would sign
 * widget tokens for sessions anyone can make (a page that gets past the development server's
 * host check, say). Then nothing is added, and the missing ones are named with their lines.
 */
export function addDemoValues(file: LocalSecretsFile, missing: string[], widgetKeys: string[], forWhat: string) {
  const added = missing.filter((name) => demoValue(name, widgetKeys) !== undefined)
  if (!file.writable || added.length === 0 || holdsRealSecret(file, widgetKeys)) return []
  const existing = existsSync(file.path) ? readFileSync(file.path, 'utf8') : undefined
  const start = existing === undefined ? NEW_FILE : existing === '' ? '' : existing.endsWith('\n') ? '\n' : '\n\n'
  const lines = added.map((name) => `${name}=${JSON.stringify(demoValue(name, widgetKeys))}`)
  appendFileSync(
    file.path,
    `${start}# demo values added by npm run dev for ${forWhat}: public and fake, replace them with your own\n${lines.join('\n')}\n`,
  )
  for (const name of added) file.names.add(name)
  return added
}
