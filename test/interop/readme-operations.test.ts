import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../src/errors'
import { DATA_POINT_COLUMNS } from '../../src/metrics'
import { startAnalyticsSqlApi } from '../support/analytics-sql-api'
import { startHttpsProxy } from '../support/https-proxy'
import { isolatedEnv, startNpmDev } from '../support/npm-scripts'
import { startTailApi, tailEvent } from '../support/tail-api'

/**
 * README "Operations" (issue 17), block by block: its columns are the Worker's, its SQL is
 * checked by the SQL API stand-in, and its commands (`npm run stats`, `curl`, `wrangler tail |
 * jq`) run as written, against stand-ins of the APIs they call.
 */
const readme = readFileSync('README.md', 'utf8')
const operations = readme.slice(readme.indexOf('## Operations'), readme.indexOf('## Development'))
const blocks = (language: string) =>
  [...operations.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((match) => match[1])
const commands = blocks('sh').flatMap((block) => block.trim().split('\n'))
const command = (start: string) => commands.find((line) => line.startsWith(start)) as string
const DATASET = 'connect_widget_token'
const dir = mkdtempSync(join(tmpdir(), 'cwt-operations-'))
/** The README's commands need curl and jq (Debian's `curl`, `jq`): skipped without them, except under CI=true. */
const missing = (tool: string) => spawnSync(tool, ['--version']).status !== 0 && process.env.CI !== 'true'
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A README command line in bash, from `cwd`, with `env`; resolves once it exits or `until` sees its output. */
function bash(
  line: string,
  env: Record<string, string>,
  {
    cwd = process.cwd(),
    until = (_: string): boolean => false,
  }: { cwd?: string; until?: (output: string) => boolean } = {},
) {
  const child = spawn('bash', ['-c', line], { cwd, env: isolatedEnv(env), detached: true })
  let [stdout, output] = ['', '']
  return new Promise<{ code: number | null; stdout: string; output: string }>((done) => {
    const seen = (chunk: Buffer) => {
      output += chunk
      if (until(output)) process.kill(-(child.pid as number), 'SIGTERM')
    }
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      seen(chunk)
    })
    child.stderr.on('data', seen)
    // Resolved once the whole group is gone: a stopped wrangler still writes its log into HOME.
    child.on('exit', async (code) => {
      await groupGone(child.pid as number)
      done({ code, stdout, output })
    })
  })
}

async function groupGone(group: number) {
  for (let waited = 0; ; waited += 100) {
    try {
      process.kill(-group, waited >= 5_000 ? 'SIGKILL' : 0)
    } catch {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('README "Operations"', () => {
  it('Should list the columns the Worker writes, in its order', () => {
    const rows = [...operations.matchAll(/^\| `(index1|blob\d+|double\d+)` \| `(\w+)` \|/gm)]
    expect(rows.map(([, column, field]) => [column, field])).toEqual(
      DATA_POINT_COLUMNS.map(({ column, field }) => [column, field]),
    )
  })

  it("Should say what the customer sees for each of the widget's statuses, and each of this Worker's codes", () => {
    const troubleshooting = operations.slice(operations.indexOf('### Troubleshooting'))
    const contract = readFileSync('docs/CONNECT-WIDGET-CONTRACT.md', 'utf8')
    const seen = contract.slice(contract.indexOf('## What the visitor sees when it goes wrong'))
    const statuses = [...seen.matchAll(/^- (\d{3}):/gm)].map((match) => match[1])
    expect(statuses).toEqual(['400', '401', '404'])
    for (const status of statuses)
      expect(troubleshooting).toContain(`"Something went wrong"; the widget's request answered **${status}**`)
    for (const symptom of ['"Invalid signature"', '"Expired token"', 'callback missing', 'unpublished', 'altered']) {
      expect(troubleshooting).toContain(symptom)
    }
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      expect(troubleshooting, code).toMatch(
        new RegExp(`\\| \`No chat token: (${status} ${code}\`|Failed to fetch\`.*\\*\\*${status} \`${code}\`)`),
      )
    }
  })

  it('Should give SQL that the SQL API stand-in parses and accepts, over the dataset its TOML names', async () => {
    const sql = blocks('sql')
    expect(sql.length).toBeGreaterThanOrEqual(6)
    expect(operations).toContain(`dataset = "${DATASET}"`)
    expect(readFileSync('wrangler.toml', 'utf8')).toContain(`dataset = "${DATASET}"`)
    const api = await startAnalyticsSqlApi(DATASET)
    try {
      for (const query of sql) {
        const response = await fetch(`${api.baseUrl}/accounts/${api.env.CLOUDFLARE_ACCOUNT_ID}/analytics_engine/sql`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${api.env.CLOUDFLARE_API_TOKEN}` },
          body: query,
        })
        expect(response.status, `${query}\n${await response.clone().text()}`).toBe(200)
      }
    } finally {
      await api.close()
    }
  })

  it.skipIf(missing('curl'))('Should send a saved query with the curl command as written', async () => {
    const line = command('curl ')
    const file = /@([\w.-]+\.sql)/.exec(line)?.[1] as string
    const query = blocks('sql').find((block) => block.startsWith(`-- ${file}:`)) as string
    const folder = mkdtempSync(join(dir, 'curl-'))
    writeFileSync(join(folder, file), query)
    const api = await startAnalyticsSqlApi(DATASET, () => [
      { hour: '2026-11-30 10:00:00', outcome: 'TOKEN_ISSUED', requests: '12' },
    ])
    const proxy = await startHttpsProxy('api.cloudflare.com', api.handle)
    try {
      const { code, stdout, output } = await bash(line, { ...api.env, ...proxy.env }, { cwd: folder })
      expect(code, output).toBe(0)
      expect(JSON.parse(stdout)).toMatchObject({ data: [{ outcome: 'TOKEN_ISSUED', requests: '12' }] })
      expect(api.requests.map(({ sql, problems }) => [sql, problems])).toEqual([[query, []]])
    } finally {
      await proxy.close()
      await api.close()
    }
  })

  it('Should run each npm run stats line as written, over the shipped production configuration', async () => {
    const lines = commands.filter((each) => each.startsWith('npm run stats'))
    expect(lines.length).toBeGreaterThanOrEqual(2)
    const api = await startAnalyticsSqlApi(DATASET)
    try {
      for (const line of lines) {
        const { code, output } = await bash(line, api.env)
        expect(code, output).toBe(0)
        expect(output).toMatch(/No token requests|"requests": 0/)
      }
      expect(api.requests.length).toBeGreaterThanOrEqual(8)
      for (const { sql, problems } of api.requests) expect(problems, sql).toEqual([])
    } finally {
      await api.close()
    }
  })

  it.skipIf(missing('jq'))(
    "Should print only refusals with the wrangler tail filter as written, over the Worker's own log lines",
    async () => {
      // The Worker's lines, as npm run dev runs it: a refusal, then a demo visitor's token.
      const dev = await startNpmDev([])
      let lines: string[]
      try {
        await fetch(`${dev.url}/token`)
        const login = await fetch(`${dev.url}/dev/login?name=Ann`)
        const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]
        expect((await fetch(`${dev.url}/token`, { headers: { Cookie: cookie } })).status).toBe(200)
        await expect.poll(() => dev.output()).toContain('"outcome":"TOKEN_ISSUED"')
        lines = dev
          .output()
          .split('\n')
          .filter((each) => each.startsWith('{"level"') && each.includes('"path":"/token"'))
      } finally {
        await dev.stop()
      }
      const refused = lines.find((each) => each.includes('SESSION_MISSING')) as string
      const issued = lines.find((each) => each.includes('TOKEN_ISSUED')) as string
      // The token first: by the time the refusal is printed, the filter has passed over it.
      const tail = await startTailApi([
        tailEvent({ url: 'https://www.example.com/token', status: 200, lines: [issued] }),
        tailEvent({ url: 'https://www.example.com/token', status: 401, lines: [refused] }),
      ])
      try {
        const line = command('npx wrangler tail')
        const { stdout } = await bash(line, tail.env, { until: (text) => text.includes('SESSION_MISSING') })
        const printed = stdout.split('\n').filter((each) => each.startsWith('{'))
        expect(printed.map((each) => JSON.parse(each))).toEqual([JSON.parse(refused)])
      } finally {
        await tail.close()
      }
    },
  )
})
