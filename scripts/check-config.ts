/**
 * @module `npm run check-config [-- --env NAME | --all] [--local]`: the Worker's own
 * configuration validator, run over `wrangler.toml` before anything ships.
 *
 * wrangler's config reader gives the vars exactly as a deployment would; the validator is
 * the Worker's (`src/config`), bundled for Node. Deployed secrets cannot be read from here,
 * so the check lists the secrets an environment needs and how to set them. With `--local`
 * it checks the local secrets too (`.dev.vars.<env>` or `.dev.vars`, as `wrangler dev`
 * loads them). Every problem is printed; the exit code is 1 if there is any.
 */
import { experimental_readRawConfig, unstable_getVarsForDev, unstable_readConfig } from 'wrangler'
import { importConfigValidator } from './lib/import-worker-module.ts'
import { configArg, environmentArg } from './lib/wrangler-cli.ts'

const DEFAULT_CONFIG_PATH = 'wrangler.toml'

export interface CheckReport {
  /** `wrangler.toml` or `wrangler.toml [env.NAME]`. */
  where: string
  problems: { key: string; problem: string }[]
  /** Lines saying which secrets are needed, or that the local ones were checked. */
  secrets: string[]
}

/** Checks one environment (the top level when `environment` is undefined). */
export async function checkEnvironment(
  environment: string | undefined,
  local: boolean,
  configPath = DEFAULT_CONFIG_PATH,
): Promise<CheckReport> {
  const { checkVars, readConfig } = await importConfigValidator()
  const where = environment ? `${configPath} [env.${environment}]` : configPath
  const config = unstable_readConfig({ config: configPath, env: environment })
  if (local) {
    const bindings = unstable_getVarsForDev(config.configPath, undefined, config.vars, environment, true)
    const env = Object.fromEntries(Object.entries(bindings).map(([name, binding]) => [name, bindingValue(binding)]))
    const problems = await readConfig(env).then(
      () => [],
      (error: { problems?: { key: string; problem: string }[] }) =>
        error.problems ?? [{ key: '?', problem: `${error}` }],
    )
    return {
      where,
      problems: plain(problems),
      secrets: [`local secrets: as \`wrangler dev\` loads them (${devVarsFile(environment)})`],
    }
  }
  const { problems, neededSecrets } = await checkVars(config.vars)
  const envFlag = environment ? ` --env ${environment}` : ''
  const secrets = neededSecrets.map((name) => `${name.padEnd(16)} npx wrangler secret put ${name}${envFlag}`)
  return { where, problems: plain(problems), secrets }
}

/** Every environment of `wrangler.toml`: the top level first. */
export function environmentNames(configPath = DEFAULT_CONFIG_PATH): (string | undefined)[] {
  const { rawConfig } = experimental_readRawConfig({ config: configPath })
  return [undefined, ...Object.keys(rawConfig.env ?? {})]
}

export function printReport(report: CheckReport, local: boolean): void {
  const count = report.problems.length
  console.log(
    `${count === 0 ? '✓' : '✗'} ${report.where}: ${count === 0 ? 'valid' : `${count} problem${count === 1 ? '' : 's'}`}`,
  )
  for (const { key, problem } of report.problems) console.log(`    ✗ ${key}: ${problem}`)
  if (!local)
    console.log('    secrets it needs (deployed secrets cannot be read from here: set each once per environment):')
  for (const line of report.secrets) console.log(`      ${line}`)
}

function bindingValue(binding: unknown): unknown {
  return typeof binding === 'object' && binding !== null && 'value' in binding ? binding.value : binding
}

function devVarsFile(environment: string | undefined): string {
  return environment ? `.dev.vars.${environment}, else .dev.vars` : '.dev.vars'
}

function plain(problems: readonly { key: string; problem: string }[]) {
  return problems.map(({ key, problem }) => ({ key, problem }))
}

function parseArgs(argv: string[]) {
  const local = argv.includes('--local')
  const configPath = configArg(argv)
  const environments = argv.includes('--all') ? environmentNames(configPath) : [environmentArg(argv)]
  return { environments, local, configPath }
}

async function main() {
  const { environments, local, configPath } = parseArgs(process.argv.slice(2))
  let failed = 0
  for (const environment of environments) {
    const report = await checkEnvironment(environment, local, configPath)
    printReport(report, local)
    if (report.problems.length > 0) failed += 1
  }
  if (failed > 0) {
    const where = local ? `${configPath} or the local .dev.vars file` : configPath
    console.log(`\nFix the problems above in ${where}, then run the check again.`)
    process.exitCode = 1
  }
}

if (import.meta.main) await main()
