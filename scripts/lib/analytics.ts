/**
 * @module The Workers Analytics Engine dataset a configuration's token requests are counted in,
 * and its SQL API: `npm run stats` and the deployment check read both from here.
 *
 * The dataset is the configuration's own answer: `METRICS_BINDING` (read by the Worker's
 * validator) names a binding, and that environment's `[[analytics_engine_datasets]]` entry for it
 * names the dataset (the binding's name when it names none, as wrangler has it). The API is
 * `POST <api>/accounts/<account>/analytics_engine/sql` with the SQL as the body and a bearer token
 * (README → Operations); `<api>` is Cloudflare's, or wrangler's `CLOUDFLARE_API_BASE_URL`.
 */
import { importConfigValidator } from './import-worker-module.ts'
import { readEnvironment, ScriptError, where } from './wrangler-config.ts'
import { type Run, type Target, varsOf } from './wrangler-env.ts'

export interface MetricsDataset {
  /** `wrangler.toml [env.production]`, for messages. */
  where: string
  binding: string
  dataset: string
  /** The widgets' names, as the data points name them. */
  widgets: string[]
  /** The account the configuration names (`account_id`), if any. */
  accountId?: string
}

/** The dataset of `target`, or a `ScriptError` saying what the configuration lacks. */
export async function metricsDataset(run: Run, target: Target): Promise<MetricsDataset> {
  const vars = varsOf(run, target)
  const label = where(run.file, target.environment)
  const { problems } = await (await importConfigValidator()).checkVars(vars)
  const own = problems.filter(({ key }) => key === 'METRICS_BINDING' || key === 'LOG_TOKENS_ISSUED')
  if (own.length > 0)
    throw new ScriptError(`${label}: ${own.map(({ key, problem }) => `${key}: ${problem}`).join('; ')}`)
  const binding = vars.METRICS_BINDING
  if (typeof binding !== 'string') {
    throw new ScriptError(
      `${label}: METRICS_BINDING is not set, so its Worker writes no data points (README → Operations: add a dataset and METRICS_BINDING, deploy, then ask again)`,
    )
  }
  const config = readEnvironment(run.file, target.environment, true)
  const entry = (config.analytics_engine_datasets ?? []).find((each) => each.binding === binding)
  if (!entry) throw new ScriptError(`${label}: METRICS_BINDING = "${binding}" ${undeclared(binding, target)}`)
  return {
    where: label,
    binding,
    dataset: entry.dataset ?? binding,
    widgets: widgetNames(vars),
    accountId: config.account_id,
  }
}

/**
 * The deployment check's: a `METRICS_BINDING` the environment declares no dataset for. Deployed,
 * the Worker's validator would find nothing bound and answer every request `500 CONFIG_INVALID`;
 * the vars alone cannot tell, the configuration file can.
 */
export function undeclaredDatasetProblems(run: Run, target: Target, vars: Record<string, unknown>) {
  const binding = vars.METRICS_BINDING
  if (typeof binding !== 'string' || binding === '') return []
  const declared = readEnvironment(run.file, target.environment, true).analytics_engine_datasets ?? []
  if (declared.some((each) => each.binding === binding)) return []
  return [{ key: 'METRICS_BINDING', problem: `"${binding}" ${undeclared(binding, target)}` }]
}

function undeclared(binding: string, target: Target): string {
  const table = `${target.environment ? `env.${target.environment}.` : ''}analytics_engine_datasets`
  return `names no dataset: add\n\n[[${table}]]\nbinding = "${binding}"\ndataset = "connect_widget_token"\n\n(bindings are not inherited by [env.*] blocks: each environment declares its own)`
}

/** A widget is named by `NAME` in `WIDGETS`, or by its id when it is the only one. */
function widgetNames(vars: Record<string, unknown>): string[] {
  let widgets = vars.WIDGETS
  if (typeof widgets === 'string') {
    try {
      widgets = JSON.parse(widgets)
    } catch {
      return []
    }
  }
  if (Array.isArray(widgets)) return widgets.map((widget) => String((widget as { NAME?: unknown }).NAME))
  return vars.WIDGET_ID === undefined ? [] : [String(vars.WIDGET_ID)]
}

export interface SqlApi {
  url: string
  token: string
}

/** The SQL API for the account in the environment (or the configuration), with its token. */
export function sqlApi(accountId: string | undefined): SqlApi {
  const account = process.env.CLOUDFLARE_ACCOUNT_ID || accountId
  const token = process.env.CLOUDFLARE_API_TOKEN
  const missing = [
    !token && 'CLOUDFLARE_API_TOKEN (an API token with the "Account Analytics: Read" permission)',
    !account && 'CLOUDFLARE_ACCOUNT_ID (the account id, or account_id in the configuration)',
  ].filter(Boolean)
  if (missing.length > 0 || !token || !account) {
    throw new ScriptError(
      `npm run stats reads the Analytics Engine SQL API with credentials from the environment; set ${missing.join(' and ')}`,
    )
  }
  const base = (process.env.CLOUDFLARE_API_BASE_URL || 'https://api.cloudflare.com/client/v4').replace(/\/$/, '')
  return { url: `${base}/accounts/${encodeURIComponent(account)}/analytics_engine/sql`, token }
}

/** One query's rows, or a `ScriptError` saying why not (never the token). */
export async function querySql(api: SqlApi, dataset: string, sql: string): Promise<Record<string, unknown>[]> {
  let response: Response
  try {
    response = await fetch(api.url, { method: 'POST', headers: { Authorization: `Bearer ${api.token}` }, body: sql })
  } catch (error) {
    throw new ScriptError(`The Analytics Engine SQL API (${api.url}) could not be reached: ${(error as Error).message}`)
  }
  const text = await response.text()
  if (response.status === 401 || response.status === 403) {
    throw new ScriptError(
      `The SQL API refused the API token (${response.status}): it needs the "Account Analytics: Read" permission on this account`,
    )
  }
  if (!response.ok) {
    const said = text.trim().slice(0, 300)
    const noDataset = said.includes(dataset)
      ? `\nThe dataset "${dataset}" exists once a deployed Worker has written to it: deploy with METRICS_BINDING, request a token, then ask again.`
      : ''
    throw new ScriptError(`The SQL API answered ${response.status}: ${said}${noDataset}`)
  }
  try {
    return (JSON.parse(text) as { data: Record<string, unknown>[] }).data
  } catch {
    throw new ScriptError(`The SQL API answered something other than JSON: ${text.slice(0, 200)}`)
  }
}

/** `30m`, `24h`, `7d` (at most the dataset's 3 months) as an SQL interval. */
export function sinceInterval(text: string): { sql: string; label: string } {
  const match = /^([1-9][0-9]*)([mhd])$/.exec(text)
  const units = { m: ['MINUTE', 60], h: ['HOUR', 3600], d: ['DAY', 86_400] } as const
  if (!match || Number(match[1]) * units[match[2] as 'm'][1] > 92 * 86_400) {
    throw new ScriptError(
      `--since takes a duration such as 30m, 24h or 7d, at most 92d (the dataset keeps 3 months); got "${text}"`,
    )
  }
  const [unit] = units[match[2] as 'm']
  return { sql: `INTERVAL '${match[1]}' ${unit}`, label: `the last ${text}` }
}

/** A string literal of ClickHouse SQL. */
export function sqlString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}

/** A table name, quoted when it is not a plain identifier. */
export function sqlTable(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`
}
