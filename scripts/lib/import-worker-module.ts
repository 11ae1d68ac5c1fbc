/**
 * @module Imports one of the Worker's own TypeScript modules into a Node script, so that
 * command-line tools run the very code the Worker runs (the configuration validator, the
 * token contract rules) instead of a copy.
 *
 * esbuild bundles it the way wrangler does (browser/worker conditions, so jose's WebCrypto
 * build); Node 22 has the same WebCrypto API.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'

/** This project's directory, whatever the working directory. */
export const PROJECT_ROOT = resolve(import.meta.dirname, '../..')
const CACHE = resolve(PROJECT_ROOT, 'node_modules/.cache/connect-widget-token')

/** Imports `entry`, or every module of `entry` as one (their exports together), bundled once. */
export async function importWorkerModule<T>(entry: string | string[]): Promise<T> {
  const entries = [entry].flat()
  mkdirSync(CACHE, { recursive: true })
  // One file per process: several tools may bundle the same entry at once.
  const outfile = join(CACHE, `${entries.join('+').replaceAll(/[^A-Za-z0-9]+/g, '-')}-${process.pid}.mjs`)
  await build({
    stdin: {
      contents: entries.map((module) => `export * from ${JSON.stringify(resolve(PROJECT_ROOT, module))}`).join('\n'),
      resolveDir: PROJECT_ROOT,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    logLevel: 'error',
  })
  try {
    return (await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`)) as T
  } finally {
    rmSync(outfile, { force: true })
  }
}

/**
 * What the tools use of `src/config` (the validator, its secret rules, the deployment policy),
 * declared here: typing the Worker's module graph itself would pull in the Workers runtime's
 * types, which a Node program does not have.
 */
export interface ConfigValidator {
  checkVars(vars: Record<string, unknown>): Promise<{ problems: ConfigProblem[]; neededSecrets: string[] }>
  readConfig(env: Record<string, unknown>): Promise<CheckedConfig>
  unusedSecrets(env: Record<string, unknown>): string[]
  isSecretName(name: string, vars: Record<string, unknown>): boolean
  widgetSecretNames(vars: Record<string, unknown>): string[]
  secretValueProblem(name: string, value: string, vars: Record<string, unknown>): string | undefined
  placeholderProblems(vars: Record<string, unknown>, routes: unknown[]): ConfigProblem[]
  SETTINGS: Record<string, 'var' | 'secret'>
}

/** What the tools read of a valid configuration. */
export interface CheckedConfig {
  widgets: { origins: { allows(origin: string): boolean } }[]
}

export interface ConfigProblem {
  key: string
  problem: string
}

let validator: Promise<ConfigValidator> | undefined

/** The validator, bundled once per process. */
export function importConfigValidator(): Promise<ConfigValidator> {
  validator ??= importWorkerModule<ConfigValidator>(['src/config/index.ts', 'src/config/deploy-policy.ts'])
  return validator
}
