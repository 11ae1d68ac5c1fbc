import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScript } from '../support/npm-scripts'

/** `npm run dry-run` on the shipped template, as CI runs it: every environment bundled, none with the development routes. */
const outdir = mkdtempSync(join(tmpdir(), 'cwt-dry-run-'))
let dryRun: { code: number; output: string }
beforeAll(async () => {
  dryRun = await runScript('scripts/dry-run.ts', ['--outdir', outdir])
}, 120_000)
afterAll(() => rmSync(outdir, { recursive: true, force: true }))

function bundle(environment: string): string {
  const entry = readdirSync(join(outdir, environment)).find((name) => name.endsWith('.js'))
  return readFileSync(join(outdir, environment, entry as string), 'utf8')
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
})
