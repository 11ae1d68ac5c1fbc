/**
 * @module The configuration checks the npm scripts run, over the env `wrangler-env.ts` builds:
 *
 * - local (`npm run dev`, `check-config --local`): the Worker's own `readConfig` over the env
 *   `wrangler dev` gives it, each problem under the file that holds the value (the
 *   configuration file, the local secrets file, or `--var`);
 * - deployed (`npm run deploy`, `check-config`, `npm run dry-run`): the validator over the
 *   vars, the entry, the template's placeholders, the dataset `METRICS_BINDING` names, and
 *   the deployed secrets' names.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseEnv } from 'node:util'
import { undeclaredDatasetProblems } from './analytics.ts'
import { deployedSecretNames } from './deployed-secrets.ts'
import { type CheckedConfig, type ConfigProblem, importConfigValidator } from './import-worker-module.ts'
import { addDemoValues, localSecretsFile } from './local-secrets.ts'
import { asScriptError, DEVELOPMENT_ENTRY, displayPath, PRODUCTION_ENTRY, where } from './wrangler-config.ts'
import { type Run, routesOf, type Target, varsOf, withLocalEnv, workerNameOf } from './wrangler-env.ts'

export interface Problem extends ConfigProblem {
  /** What to do, when the problem alone does not say it. */
  hint?: string
}

export interface Section {
  where: string
  problems: Problem[]
  warnings: string[]
}

export interface CheckReport {
  sections: Section[]
  /** Lines after the sections: secrets added, secrets needed, what was not checked. */
  notes: string[]
}

/** The local check's report, and what the demo page needs to know of the configuration it passed. */
export interface LocalReport extends CheckReport {
  /** Whether some widget's `ALLOWED_ORIGINS` lets a page on `origin` ask for tokens (false when invalid). */
  allowsOrigin(origin: string): boolean
}

export function failed(report: CheckReport): boolean {
  return report.sections.some((section) => section.problems.length > 0)
}

/** Whether a report has more to say than "valid". */
function worthPrinting(report: CheckReport): boolean {
  return (
    report.notes.length > 0 || report.sections.some((section) => section.problems.length + section.warnings.length > 0)
  )
}

/**
 * The check `npm run dev` runs. With `addDemo`, the secrets a valid configuration needs and
 * the local file lacks are added first, as demo values, where there is one.
 */
export async function checkLocal(
  run: Run,
  target: Target,
  { addDemo, quiet }: { addDemo: boolean; quiet: boolean },
): Promise<LocalReport> {
  const validator = await importConfigValidator()
  const vars = varsOf(run, target, quiet)
  const check = await validator.checkVars(vars)
  const file = localSecretsFile(run.file.path, { ...run.args, envFlag: target.envFlag })
  const missing = check.neededSecrets.filter((name) => !file.names.has(name) && !(name in vars))
  const forWhat = where(run.file, target.environment)
  const added =
    addDemo && check.problems.length === 0
      ? addDemoValues(file, missing, validator.widgetSecretNames(vars), forWhat)
      : []
  return withLocalEnv(run, target, quiet, async ({ env, origin, secrets }) => {
    const config: Section = { where: forWhat, problems: [], warnings: [] }
    const local: Section = { where: secrets.label, problems: [], warnings: [] }
    const cli: Section = { where: COMMAND_LINE, problems: [], warnings: [] }
    const { config: checked, problems } = await readChecked(() => validator.readConfig(env))
    for (const problem of problems) {
      const name = settingOf(problem.key)
      // A needed secret that is absent belongs in the local file; when the vars are valid, say the line.
      const absentSecret = env[name] === undefined && check.neededSecrets.includes(name)
      const from = absentSecret ? 'local' : origin(name)
      const hint =
        absentSecret && check.problems.length === 0 ? `add the line ${name}="…" to ${secrets.label}` : undefined
      ;(from === 'local' ? local : from === 'command line' ? cli : config).problems.push({ ...problem, hint })
    }
    for (const name of validator.unusedSecrets(env).filter((unused) => origin(unused) === 'local')) {
      local.warnings.push(`${name} is not used by this configuration (left from another one?): ignored`)
    }
    for (const { where: key, main } of run.file.mains.filter(({ main }) => main === DEVELOPMENT_ENTRY)) {
      config.warnings.push(`npm run deploy would refuse ${key}: ${developmentEntryProblem(main)}`)
    }
    const notes =
      added.length > 0
        ? [
            `Added to ${secrets.label} as demo values (public and fake; edit the file for your own): ${added.join(', ')}`,
          ]
        : []
    const allowsOrigin = (origin: string) => checked?.widgets.some((widget) => widget.origins.allows(origin)) ?? false
    return { sections: [config, local, ...withVarSection(run, cli)], notes, allowsOrigin }
  })
}

/** The check `npm run deploy` runs before `wrangler deploy`. */
export async function checkDeployed(
  run: Run,
  target: Target,
  options: { placeholders: 'refuse' | 'warn' | 'allow'; secrets: 'check' | { notChecked: string }; quiet?: boolean },
): Promise<CheckReport> {
  const { placeholders, secrets, quiet = true } = options
  const validator = await importConfigValidator()
  // wrangler's own warnings about the file: printed here unless the wrangler that follows prints them.
  const vars = varsOf(run, target, quiet)
  const { problems, neededSecrets } = await validator.checkVars(vars)
  const config: Section = { where: where(run.file, target.environment), problems: [], warnings: [] }
  const cli: Section = { where: COMMAND_LINE, problems: [], warnings: [] }
  // A value --var gave is reported under --var, as the local check reports it.
  const sectionOf = (key: string) => (settingOf(key) in run.args.vars ? cli : config)
  for (const problem of problems) sectionOf(problem.key).problems.push(problem)
  config.problems.push(...entryProblems(run), ...undeclaredDatasetProblems(run, target, vars))
  for (const problem of validator.placeholderProblems(vars, routesOf(run, target))) {
    const section = sectionOf(problem.key)
    if (placeholders === 'refuse')
      section.problems.push({ ...problem, hint: 'or deploy anyway with --allow-placeholders' })
    else if (placeholders === 'allow')
      section.warnings.push(`allowed by --allow-placeholders: ${problem.key}: ${problem.problem}`)
    else section.warnings.push(`npm run deploy would refuse ${problem.key}: ${problem.problem}`)
  }
  const checked = [config, ...withVarSection(run, cli)]
  const flags = flagsFor(run, target)
  // npm run secret checks a widget key's 44 characters before wrangler uploads it.
  const put = (name: string) => `npm run secret -- ${name}${flags}`
  const name = typeof run.args.values.name === 'string' ? run.args.values.name : undefined
  const deployed =
    secrets === 'check'
      ? await deployedSecretNames(run.file.path, target.environment, name)
      : { checked: false as const, why: secrets.notChecked }
  if (!deployed.checked) {
    const notes = [`deployed secrets not checked: ${deployed.why}. It needs, set once per environment:`]
    const width = Math.max(0, ...neededSecrets.map((secret) => secret.length))
    return {
      sections: checked,
      notes: [...notes, ...neededSecrets.map((secret) => `  ${secret.padEnd(width)}  ${put(secret)}`)],
    }
  }
  const worker = workerNameOf(run, target) ?? 'the Worker'
  const section: Section = { where: `deployed secrets of ${worker}`, problems: [], warnings: [] }
  const present = [...deployed.names, ...secretsFileNames(run)]
  for (const secret of neededSecrets.filter((needed) => !present.includes(needed))) {
    section.problems.push({ key: secret, problem: 'is not deployed', hint: put(secret) })
  }
  const env = { ...Object.fromEntries(present.map((secret) => [secret, 'deployed'])), ...vars }
  for (const secret of validator.unusedSecrets(env).filter((unused) => deployed.names.includes(unused))) {
    section.warnings.push(`${secret} is not used by this configuration: npx wrangler secret delete ${secret}${flags}`)
  }
  const notes = deployed.workerExists ? [] : [`${worker} is not deployed yet: \`npm run secret\` creates it.`]
  return { sections: [...checked, section], notes }
}

/**
 * Prints every section, problem, warning and note. `brief`: a report with nothing more to say
 * than "valid" is one line, so that a run shows the check ran, and over which files.
 */
export function printReport(report: CheckReport, { brief = false }: { brief?: boolean } = {}): void {
  if (brief && !worthPrinting(report)) {
    const [config, local, ...others] = report.sections
    const checked = [config, ...others].map((section) => section.where).join(', ')
    console.log(`✓ ${checked}: valid${local ? ` (local secrets: ${local.where})` : ''}`)
    return
  }
  for (const { where: header, problems, warnings } of report.sections) {
    const count = problems.length
    console.log(
      `${count === 0 ? '✓' : '✗'} ${header}: ${count === 0 ? 'valid' : `${count} problem${count === 1 ? '' : 's'}`}`,
    )
    for (const { key, problem, hint } of problems)
      console.log(`    ✗ ${key}: ${problem}${hint ? `\n        ${hint}` : ''}`)
    for (const warning of warnings) console.log(`    ⚠ ${warning}`)
  }
  for (const note of report.notes) console.log(`    ${note}`)
}

/** The header of the values `--var` gave. */
const COMMAND_LINE = '--var'

/** `--var`'s section, when the command line gave values: printed valid or not, so that they are seen checked. */
function withVarSection(run: Run, cli: Section): Section[] {
  return Object.keys(run.args.vars).length > 0 ? [cli] : []
}

/** The setting a problem's key names: `ALLOWED_ORIGINS` for `ALLOWED_ORIGINS[1]`, `WIDGETS` for `WIDGETS[sales].SECRET`. */
function settingOf(key: string): string {
  return key.split(/[.[]/)[0]
}

/** The configuration the validator read, or its problems. */
async function readChecked(
  read: () => Promise<CheckedConfig>,
): Promise<{ config?: CheckedConfig; problems: ConfigProblem[] }> {
  try {
    return { config: await read(), problems: [] }
  } catch (error) {
    const problems = (error as { problems?: ConfigProblem[] }).problems
    if (!problems) throw error
    return { problems: problems.map(({ key, problem }) => ({ key, problem })) }
  }
}

/** Every entry a deployment could build (positional, `--script`, each `main`): `src/index.ts` only. */
function entryProblems(run: Run): Problem[] {
  const given = run.args.script
    ? [{ where: 'the entry given on the command line', main: resolve(run.args.script) }]
    : []
  return [...given, ...run.file.mains]
    .filter(({ main }) => main !== PRODUCTION_ENTRY)
    .map(({ where: key, main }) => ({
      key,
      problem:
        main === DEVELOPMENT_ENTRY
          ? developmentEntryProblem(main)
          : `is ${displayPath(main)}: a deployment builds ${displayPath(PRODUCTION_ENTRY)}, the production Worker, only`,
    }))
}

function developmentEntryProblem(main: string): string {
  return `is ${displayPath(main)}, the development entry, whose /dev/login mints a session for anyone: deploy ${displayPath(PRODUCTION_ENTRY)}`
}

/** The flags a `wrangler secret` command needs to reach the same Worker. */
function flagsFor(run: Run, target: Target): string {
  const { config, values } = run.args
  return [
    target.environment && ` --env ${target.environment}`,
    config && ` --config ${displayPath(resolve(config))}`,
    typeof values.name === 'string' && ` --name ${values.name}`,
  ]
    .filter(Boolean)
    .join('')
}

/** The secrets `wrangler deploy --secrets-file` uploads with the version (JSON or .env), by name. */
function secretsFileNames(run: Run): string[] {
  const file = run.args.values['secrets-file']
  if (typeof file !== 'string') return []
  const text = asScriptError(() => readFileSync(resolve(file), 'utf8'))
  try {
    return Object.keys(JSON.parse(text))
  } catch {
    return Object.keys(parseEnv(text))
  }
}
