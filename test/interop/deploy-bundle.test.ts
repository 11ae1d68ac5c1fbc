import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findConfigFile, readEnvironment } from '../../scripts/lib/wrangler-config'
import { runScript } from '../support/npm-scripts'
import { TEST_CONNECT_SECRET, TEST_SESSION_SECRET } from '../support/secrets'

/** `npm run dry-run` on the shipped template, as CI runs it: every environment bundled, none with the development routes. */
const outdir = mkdtempSync(join(tmpdir(), 'cwt-dry-run-'))
let dryRun: { code: number; output: string }
beforeAll(async () => {
  dryRun = await runScript('scripts/dry-run.ts', ['--outdir', outdir])
}, 120_000)
afterAll(() => rmSync(outdir, { recursive: true, force: true }))

function bundlePath(environment: string): string {
  const entry = readdirSync(join(outdir, environment)).find((name) => name.endsWith('.js'))
  return join(outdir, environment, entry as string)
}

function bundle(environment: string): string {
  return readFileSync(bundlePath(environment), 'utf8')
}

const TEMPLATE_VARS = readEnvironment(findConfigFile(undefined), undefined, true).vars as Record<string, never>

/** The top-level bundle under workerd with the template's vars, some changed: its answer to a request without a session. */
async function answerWith(vars: Record<string, string>): Promise<{ status: number; code: string; log: string }> {
  const lines: string[] = []
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      scriptPath: bundlePath('top-level'),
      // Module names are relative to this root: a bundle outside the working directory would be `../…`.
      modulesRoot: dirname(bundlePath('top-level')),
      compatibilityDate: '2026-11-01',
      bindings: { ...TEMPLATE_VARS, CONNECT_SECRET: TEST_CONNECT_SECRET, SESSION_SECRET: TEST_SESSION_SECRET, ...vars },
      kvNamespaces: ['SESSIONS'],
      handleStructuredLogs: ({ message }) => lines.push(message),
    }),
  )
  try {
    const response = await miniflare.dispatchFetch('https://www.example.com/token')
    const body = (await response.json()) as { error: { code: string } }
    return { status: response.status, code: body.error.code, log: lines.join('\n') }
  } finally {
    await miniflare.dispose()
  }
}

describe('npm run dry-run on the shipped template', () => {
  it('Should pass, with its placeholders as warnings and the deployed secrets not checked', () => {
    expect(dryRun.code, dryRun.output).toBe(0)
    expect(dryRun.output).toContain('⚠ npm run deploy would refuse WIDGET_ID: "production-support-widget"')
    expect(dryRun.output).toContain('deployed secrets not checked: a dry run uploads nothing')
    expect(readdirSync(outdir).sort()).toEqual(['production', 'staging', 'top-level'])
  })

  it.each(['production', 'staging'])('Should bundle the %s Worker without the development routes', (environment) => {
    const code = bundle(environment)
    expect(code).toContain('SESSION_MISSING')
    for (const devOnly of [
      '/dev/login',
      '/dev/inspect',
      '/dev/cross-origin',
      'dev-login',
      'connect-widget-token · demo',
      'DEV_REQUEST_INVALID',
      'This development server answers only on',
    ]) {
      expect(code).not.toContain(devOnly)
    }
  })

  // Issue 16: the standalone Worker ≤ 35 KiB gzip (31 with a JWT cookie); every source together is 40.
  // The names of other sources' settings stay (the configuration check names them): their code does not.
  it('Should bundle only the session source the configuration chooses (a JWT cookie here)', () => {
    const code = bundle('top-level')
    expect(code).toContain('SESSION_ALGORITHMS')
    for (const other of [
      'CognitoIdentityServiceProvider',
      'authjs.session-token',
      '__client_uat',
      'kv: record_not_json',
      'supabase_cookie_not_a_session',
    ]) {
      expect(code).not.toContain(other)
    }
    const [, gzip] = /Total Upload: [\d.]+ KiB \/ gzip: ([\d.]+) KiB/.exec(dryRun.output) ?? []
    expect(Number(gzip)).toBeLessThanOrEqual(35)
  })

  // README, Deployment: "One session source per bundle".
  it('Should refuse every request, coded, when its vars later choose a source it was not built for', async () => {
    expect(await answerWith({})).toMatchObject({ status: 401, code: 'SESSION_MISSING' })
    const kv = await answerWith({ SESSION_SOURCE: 'kv', SESSION_KV_BINDING: 'SESSIONS', SESSION_KV_PREFIX: 'sess:' })
    expect(kv).toMatchObject({ status: 500, code: 'CONFIG_INVALID' })
    expect(kv.log).toContain('this Worker was built for \\"jwt\\" sessions only')
  })
})
