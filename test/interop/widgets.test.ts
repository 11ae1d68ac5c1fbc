import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import jsonwebtoken from 'jsonwebtoken'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dotenvValue } from '../support/dotenv'
import { type DevServer, startWranglerDev } from '../support/wrangler-process'

/**
 * The README's two-widget configuration as a newcomer uses it: copied into a wrangler.toml,
 * run with `wrangler dev`, each path's token checked with jsonwebtoken against each key; and
 * the configuration check refusing a duplicate path, naming the widget.
 */
const readme = readFileSync('README.md', 'utf8')
const MARKER = '# Two widgets, one Worker'
const block = readme.slice(readme.indexOf(MARKER), readme.indexOf('```', readme.indexOf(MARKER)))
const KEYS = {
  CONNECT_SECRET_SUPPORT: 'DEMO-ONLY-support-widget-key-not-a-real-one!',
  CONNECT_SECRET_SALES: 'DEMO-ONLY-sales-widget-key-not-a-real-one!!!',
}
const header = `name = "two-widgets"\nmain = ${JSON.stringify(resolve('src/dev.ts'))}\ncompatibility_date = "2026-11-01"\nsend_metrics = false\n`

describe("The README's two-widget configuration", () => {
  const dir = mkdtempSync(join(tmpdir(), 'cwt-widgets-'))
  let dev: DevServer

  beforeAll(async () => {
    expect(block).toContain('[[vars.WIDGETS]]')
    writeFileSync(join(dir, 'wrangler.toml'), header + block)
    const secrets = { ...KEYS, SESSION_SECRET: dotenvValue('.dev.vars.example', 'SESSION_SECRET') }
    writeFileSync(
      join(dir, '.dev.vars'),
      Object.entries(secrets)
        .map(([k, v]) => `${k}="${v}"`)
        .join('\n'),
    )
    dev = await startWranglerDev({}, { configPath: join(dir, 'wrangler.toml'), envFile: join(dir, '.dev.vars') })
  })
  afterAll(async () => {
    await dev?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('Should answer /token/support and /token/sales with tokens that verify only with their own keys', async () => {
    const login = await fetch(`${dev.url}/dev/login?name=Ann`)
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]
    for (const [path, own, other, sub] of [
      ['/token/support', KEYS.CONNECT_SECRET_SUPPORT, KEYS.CONNECT_SECRET_SALES, 'support-widget-id'],
      ['/token/sales', KEYS.CONNECT_SECRET_SALES, KEYS.CONNECT_SECRET_SUPPORT, 'sales-widget-id'],
    ]) {
      const response = await fetch(`${dev.url}${path}`, { headers: { Cookie: cookie } })
      expect(response.status, path).toBe(200)
      const token = ((await response.json()) as { data: string }).data
      expect((jsonwebtoken.verify(token, own) as jsonwebtoken.JwtPayload).sub).toBe(sub)
      expect(() => jsonwebtoken.verify(token, other)).toThrow(/invalid signature/)
    }
  })

  it('Should be refused by the configuration check when two widgets share a path, naming the widget', async () => {
    const duplicate = block.replace('TOKEN_PATH = "/token/sales"', 'TOKEN_PATH = "/token/support"')
    writeFileSync(join(dir, 'duplicate.toml'), header + duplicate)
    const outcome = await promisify(execFile)(
      process.execPath,
      ['scripts/check-config.ts', '--config', join(dir, 'duplicate.toml')],
      {
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
      },
    ).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => error,
    )
    expect(outcome.code).toBe(1)
    expect(outcome.stdout).toContain('WIDGETS[sales].TOKEN_PATH: another widget answers on this path ("support")')
    expect(outcome.stdout).toContain('npm run secret -- CONNECT_SECRET_SUPPORT')
  })
})
