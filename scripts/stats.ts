/**
 * @module `npm run stats [-- --env NAME] [--config PATH] [--since 24h] [--widget NAME] [--json]`:
 * what the token requests of a deployment came to, from its Analytics Engine dataset (README →
 * Operations): tokens issued, refusals by code, guests and signed-in visitors, per widget, the
 * p50/p95 duration and the top countries, as a table or (`--json`) as JSON.
 *
 * The configuration is read as every script reads it (`--env`, `--config`, wrangler.toml, .json
 * or .jsonc); the dataset is the one its `METRICS_BINDING` names. Credentials come from the
 * environment: `CLOUDFLARE_API_TOKEN` (Account Analytics: Read) and `CLOUDFLARE_ACCOUNT_ID`.
 * Counts are weighted by `_sample_interval`, as Analytics Engine's sampling requires.
 */
import type * as Metrics from '../src/metrics.ts'
import { metricsDataset, querySql, sinceInterval, sqlApi, sqlString, sqlTable } from './lib/analytics.ts'
import { importWorkerModule } from './lib/import-worker-module.ts'
import { runScript, ScriptError } from './lib/wrangler-config.ts'
import { openRun, targetOf } from './lib/wrangler-env.ts'

await runScript(async () => {
  const run = openRun('deploy', process.argv.slice(2), { since: 'string', widget: 'string', json: 'boolean' })
  const { since = '24h', widget, json } = run.args.own as { since?: string; widget?: string; json?: boolean }
  const interval = sinceInterval(since)
  const target = await metricsDataset(run, targetOf(run))
  if (widget !== undefined && target.widgets.length > 0 && !target.widgets.includes(widget)) {
    throw new ScriptError(`--widget ${widget}: ${target.where} has no such widget (${target.widgets.join(', ')})`)
  }
  const api = sqlApi(target.accountId)
  const { DATA_POINT_COLUMNS } = await importWorkerModule<typeof Metrics>('src/metrics.ts')
  const col = (field: string) => (DATA_POINT_COLUMNS.find((each) => each.field === field) as { column: string }).column
  const from = `FROM ${sqlTable(target.dataset)}\nWHERE timestamp > NOW() - ${interval.sql}${widget === undefined ? '' : ` AND ${col('widget')} = ${sqlString(widget)}`}`
  const duration = `quantileExactWeighted(0.5)(${col('ms')}, _sample_interval) AS p50_ms, quantileExactWeighted(0.95)(${col('ms')}, _sample_interval) AS p95_ms`
  const sql = {
    outcomes: `SELECT ${col('widget')} AS widget, ${col('outcome')} AS outcome, ${col('status')} AS status, ${col('visitor')} AS visitor, SUM(_sample_interval) AS requests\n${from}\nGROUP BY widget, outcome, status, visitor\nORDER BY requests DESC\nFORMAT JSON`,
    durations: `SELECT ${col('widget')} AS widget, ${duration}\n${from}\nGROUP BY widget\nFORMAT JSON`,
    overall: `SELECT ${duration}\n${from}\nFORMAT JSON`,
    countries: `SELECT ${col('country')} AS country, SUM(_sample_interval) AS requests\n${from}\nGROUP BY country\nORDER BY requests DESC\nLIMIT 5\nFORMAT JSON`,
  }
  const [outcomes, durations, overall, countries] = await Promise.all(
    Object.values(sql).map((query) => querySql(api, target.dataset, query)),
  )
  const stats = summarize({ outcomes, durations, overall, countries })
  const heading = `${target.dataset} (${target.where}, METRICS_BINDING = "${target.binding}"), ${interval.label}${widget ? `, widget ${widget}` : ''}`
  if (json) console.log(JSON.stringify({ dataset: target.dataset, since, widget, ...stats }, null, 2))
  else console.log(table(heading, stats))
})

type Rows = Record<string, unknown>[]

interface Counts {
  requests: number
  issued: number
  refused: number
  signedIn: number
  guests: number
}

function summarize({ outcomes, durations, overall, countries }: Record<string, Rows>) {
  const empty = (): Counts => ({ requests: 0, issued: 0, refused: 0, signedIn: 0, guests: 0 })
  const total = empty()
  const widgets = new Map<string, Counts & { p50Ms?: number; p95Ms?: number }>()
  const refusals = new Map<string, { code: string; status: number; requests: number }>()
  for (const row of outcomes) {
    const requests = Number(row.requests)
    const issued = row.outcome === 'TOKEN_ISSUED'
    for (const counts of [total, getOr(widgets, String(row.widget), empty)]) {
      counts.requests += requests
      if (!issued) counts.refused += requests
      if (issued) counts.issued += requests
      if (issued && row.visitor === 'signed-in') counts.signedIn += requests
      if (issued && row.visitor === 'guest') counts.guests += requests
    }
    if (!issued) {
      const refusal = getOr(refusals, String(row.outcome), () => ({
        code: String(row.outcome),
        status: Number(row.status),
        requests: 0,
      }))
      refusal.requests += requests
    }
  }
  for (const row of durations) {
    const counts = widgets.get(String(row.widget))
    if (counts) Object.assign(counts, { p50Ms: Number(row.p50_ms), p95Ms: Number(row.p95_ms) })
  }
  return {
    ...total,
    p50Ms: overall[0] === undefined || total.requests === 0 ? undefined : Number(overall[0].p50_ms),
    p95Ms: overall[0] === undefined || total.requests === 0 ? undefined : Number(overall[0].p95_ms),
    refusals: [...refusals.values()].sort((a, b) => b.requests - a.requests),
    widgets: [...widgets].map(([name, counts]) => ({ name, ...counts })).sort((a, b) => b.requests - a.requests),
    countries: countries.map((row) => ({
      country: String(row.country) || '(unknown)',
      requests: Number(row.requests),
    })),
  }
}

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  const value = map.get(key) ?? make()
  map.set(key, value)
  return value
}

function table(heading: string, stats: ReturnType<typeof summarize>): string {
  if (stats.requests === 0) return `${heading}\n\nNo token requests: nothing was written in that time.`
  const share = (part: number) => `${((part / stats.requests) * 100).toFixed(1)}%`
  const ms = (value?: number) => (value === undefined || Number.isNaN(value) ? '–' : String(Math.round(value)))
  const lines = [
    heading,
    '',
    `token requests      ${stats.requests}`,
    `tokens issued       ${stats.issued} (${share(stats.issued)})`,
    `  signed in         ${stats.signedIn}`,
    `  guests            ${stats.guests}`,
    `refused             ${stats.refused} (${share(stats.refused)})`,
    ...stats.refusals.map(({ code, status, requests }) => `  ${status} ${code.padEnd(26)} ${requests}`),
    `duration p50/p95    ${ms(stats.p50Ms)} / ${ms(stats.p95Ms)} ms`,
    `top countries       ${stats.countries.map(({ country, requests }) => `${country} ${requests}`).join(' · ')}`,
    '',
  ]
  const header = ['widget', 'requests', 'issued', 'refused', 'signed in', 'guests', 'p50 ms', 'p95 ms']
  const rows = stats.widgets.map((each) => [
    each.name,
    ...[each.requests, each.issued, each.refused, each.signedIn, each.guests].map(String),
    ms(each.p50Ms),
    ms(each.p95Ms),
  ])
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)))
  for (const row of [header, ...rows]) {
    lines.push(
      row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column] + 2))).join(''),
    )
  }
  return lines.join('\n')
}
