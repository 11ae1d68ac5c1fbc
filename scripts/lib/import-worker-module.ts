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

const CACHE = resolve('node_modules/.cache/connect-widget-token')

export async function importWorkerModule<T>(entry: string): Promise<T> {
  mkdirSync(CACHE, { recursive: true })
  // One file per process: several tools may bundle the same entry at once.
  const outfile = join(CACHE, `${entry.replaceAll(/[^A-Za-z0-9]+/g, '-')}-${process.pid}.mjs`)
  await build({
    entryPoints: [resolve(entry)],
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
 * What the tools use of `src/config`, declared here: typing the Worker's module graph itself
 * would pull in the Workers runtime's types, which a Node program does not have.
 */
export interface ConfigValidator {
  checkVars(vars: Record<string, unknown>): Promise<{ problems: ConfigProblem[]; neededSecrets: string[] }>
  readConfig(env: Record<string, unknown>): Promise<unknown>
}

export interface ConfigProblem {
  key: string
  problem: string
}

export function importConfigValidator(): Promise<ConfigValidator> {
  return importWorkerModule<ConfigValidator>('src/config/index.ts')
}
