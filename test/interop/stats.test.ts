import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import {
  type AnalyticsSqlApi,
  checkQuery,
  type ReceivedQuery,
  startAnalyticsSqlApi,
} from '../support/analytics-sql-api'
import { runScript } from '../support/npm-scripts'

/**
 * Issue 17: `npm run stats` as a process, against a loopback stand-in of the Analytics Engine
 * SQL API that parses and checks every query it receives (test/support/analytics-sql-api.ts).
 */
const dir = mkdtempSync(join(tmpdir(), 'cwt-stats-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let api: AnalyticsSqlApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

const MAIN = join(process.cwd(), 'src/index.ts')
const TOML = `name = "chat-token"
main = "${MAIN}"
compatibility_date = "2026-11-01"

[vars]
WIDGET_ID = "demo-widget-id"
SESSION_ALGORITHMS = ["HS256"]
METRICS_BINDING = "TOKEN_METRICS"

[[analytics_engine_datasets]]
binding = "TOKEN_METRICS"
dataset = "connect_widget_token"

[env.production.vars]
SESSION_ALGORITHMS = ["HS256"]
METRICS_BINDING = "TOKEN_METRICS"
WIDGETS = [
  { NAME = "support", TOKEN_PATH = "/token/support", WIDGET_ID = "support-widget-id", SECRET = "CONNECT_SECRET_SUPPORT" },
  { NAME = "sales", TOKEN_PATH = "/token/sales", WIDGET_ID = "sales-widget-id", SECRET = "CONNECT_SECRET_SALES" },
]

[[env.production.analytics_engine_datasets]]
binding = "TOKEN_METRICS"
dataset = "connect_widget_token_production"
`

function configFile(text: string, name = 'wrangler.toml'): string {
  const folder = mkdtempSync(join(dir, 'config-'))
  writeFileSync(join(folder, name), text)
  return join(folder, name)
}

/** What a day of a deployment looks like, answered by what each query selects. */
function aDay({ aliases }: ReceivedQuery): Record<string, unknown>[] {
  if (aliases.includes('outcome')) {
    return [
      { widget: 'demo-widget-id', outcome: 'TOKEN_ISSUED', status: 200, visitor: 'signed-in', requests: '80' },
      { widget: 'demo-widget-id', outcome: 'TOKEN_ISSUED', status: 200, visitor: 'guest', requests: '10' },
      { widget: 'demo-widget-id', outcome: 'SESSION_EXPIRED', status: 401, visitor: 'unknown', requests: '7' },
      { widget: 'demo-widget-id', outcome: 'ORIGIN_NOT_ALLOWED', status: 403, visitor: 'unknown', requests: '3' },
    ]
  }
  if (aliases.includes('widget')) return [{ widget: 'demo-widget-id', p50_ms: 0, p95_ms: 41.5 }]
  if (aliases.includes('p50_ms')) return [{ p50_ms: 0, p95_ms: 41.5 }]
  return [
    { country: 'GB', requests: '60' },
    { country: 'US', requests: '30' },
    { country: '', requests: '10' },
  ]
}

describe('npm run stats', () => {
  it("Should print the day's table from the dataset METRICS_BINDING names, with sampling-aware SQL", async () => {
    api = await startAnalyticsSqlApi('connect_widget_token', aDay)
    const { code, output } = await runScript('scripts/stats.ts', ['--config', configFile(TOML)], { env: api.env })
    expect(code, output).toBe(0)
    for (const line of [
      'connect_widget_token (',
      'METRICS_BINDING = "TOKEN_METRICS"), the last 24h',
      'token requests      100',
      'tokens issued       90 (90.0%)',
      '  signed in         80',
      '  guests            10',
      'refused             10 (10.0%)',
      '  401 SESSION_EXPIRED            7',
      '  403 ORIGIN_NOT_ALLOWED         3',
      'duration p50/p95    0 / 42 ms',
      'top countries       GB 60 · US 30 · (unknown) 10',
    ]) {
      expect(output).toContain(line)
    }
    expect(output).toMatch(/demo-widget-id\s+100\s+90\s+10\s+80\s+10\s+0\s+42/)
    expect(api.requests).toHaveLength(4)
    for (const query of api.requests) {
      expect(query.problems, query.sql).toEqual([])
      expect(query.sql).toContain("WHERE timestamp > NOW() - INTERVAL '24' HOUR\n")
    }
  })

  it('Should read another environment, a period and one widget, and answer JSON', async () => {
    api = await startAnalyticsSqlApi('connect_widget_token_production')
    const args = ['--config', configFile(TOML), '--env', 'production', '--since', '7d', '--widget', 'sales', '--json']
    const { code, output } = await runScript('scripts/stats.ts', args, { env: api.env })
    expect(code, output).toBe(0)
    expect(JSON.parse(output)).toMatchObject({
      dataset: 'connect_widget_token_production',
      since: '7d',
      widget: 'sales',
      requests: 0,
    })
    for (const query of api.requests) {
      expect(query.problems, query.sql).toEqual([])
      expect(query.sql).toContain("WHERE timestamp > NOW() - INTERVAL '7' DAY AND index1 = 'sales'")
    }
  })

  it('Should read a wrangler.jsonc as wrangler does, and say when nothing was written', async () => {
    api = await startAnalyticsSqlApi('token_metrics')
    const jsonc = `// the configuration
{
  "name": "chat-token",
  "main": "${MAIN}",
  "compatibility_date": "2026-11-01",
  "vars": { "WIDGET_ID": "w", "SESSION_ALGORITHMS": ["HS256"], "METRICS_BINDING": "TOKEN_METRICS" },
  "analytics_engine_datasets": [{ "binding": "TOKEN_METRICS", "dataset": "token_metrics" }],
}
`
    const { code, output } = await runScript('scripts/stats.ts', ['--config', configFile(jsonc, 'wrangler.jsonc')], {
      env: api.env,
    })
    expect(code, output).toBe(0)
    expect(output).toContain('No token requests: nothing was written in that time.')
  })

  it('Should say which credentials are missing, and send nothing', async () => {
    api = await startAnalyticsSqlApi('connect_widget_token')
    const env = { CLOUDFLARE_API_BASE_URL: api.baseUrl }
    const { code, output } = await runScript('scripts/stats.ts', ['--config', configFile(TOML)], { env })
    expect(code).toBe(1)
    expect(output).toContain(
      'set CLOUDFLARE_API_TOKEN (an API token with the "Account Analytics: Read" permission) and CLOUDFLARE_ACCOUNT_ID',
    )
    expect(api.requests).toEqual([])
  })

  it('Should say when the configuration counts nothing, or names no dataset for its binding', async () => {
    api = await startAnalyticsSqlApi('connect_widget_token')
    const without = TOML.replace('METRICS_BINDING = "TOKEN_METRICS"\n\n[[analytics', '\n[[analytics')
    const unset = await runScript('scripts/stats.ts', ['--config', configFile(without)], { env: api.env })
    expect(unset.code).toBe(1)
    expect(unset.output).toContain('METRICS_BINDING is not set, so its Worker writes no data points')
    const noDataset = TOML.replace(/\[\[analytics_engine_datasets\]\][^[]*/, '')
    const unbound = await runScript('scripts/stats.ts', ['--config', configFile(noDataset)], { env: api.env })
    expect(unbound.code).toBe(1)
    expect(unbound.output).toContain(
      'METRICS_BINDING = "TOKEN_METRICS" names no dataset: add\n\n[[analytics_engine_datasets]]\nbinding = "TOKEN_METRICS"',
    )
    expect(api.requests).toEqual([])
  })

  it('Should explain a dataset the API does not have, and a token it refuses, never printing the token', async () => {
    api = await startAnalyticsSqlApi('another_dataset')
    const missing = await runScript('scripts/stats.ts', ['--config', configFile(TOML)], { env: api.env })
    expect(missing.code).toBe(1)
    expect(missing.output).toContain('The SQL API answered 400: reads connect_widget_token, not another_dataset')
    expect(missing.output).toContain(
      'The dataset "connect_widget_token" exists once a deployed Worker has written to it',
    )
    const wrongToken = { ...api.env, CLOUDFLARE_API_TOKEN: 'a-token-without-analytics-read' }
    const refused = await runScript('scripts/stats.ts', ['--config', configFile(TOML)], { env: wrongToken })
    expect(refused.code).toBe(1)
    expect(refused.output).toContain(
      'The SQL API refused the API token (401): it needs the "Account Analytics: Read" permission',
    )
    expect(refused.output).not.toContain('a-token-without-analytics-read')
  })
})

describe('The SQL API stand-in', () => {
  it('Should refuse what the real dataset would answer wrongly or not at all', () => {
    const problems = (sql: string) => checkQuery(sql, 'connect_widget_token').problems
    expect(
      problems("SELECT count() AS n FROM connect_widget_token WHERE timestamp > NOW() - INTERVAL '1' DAY"),
    ).toEqual(['uses count(), which ignores sampling: use SUM(_sample_interval)'])
    expect(problems('SELECT SUM(_sample_interval) AS n FROM connect_widget_token')).toEqual([
      'has no time bound on timestamp: it would read the whole retention (3 months)',
    ])
    expect(
      problems(
        "SELECT blob9 AS x, SUM(double1) AS s FROM tokens WHERE timestamp > NOW() - INTERVAL '1' DAY GROUP BY x",
      ),
    ).toEqual([
      'reads tokens, not connect_widget_token',
      'reads blob9, which is no column this Worker writes',
      'sums without _sample_interval, which undercounts a sampled dataset',
    ])
    expect(problems('SELECT FROM WHERE')[0]).toMatch(/^does not parse: /)
  })
})
