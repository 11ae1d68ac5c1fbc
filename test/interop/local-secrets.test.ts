import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dotenvValue } from '../support/dotenv'
import { runNpmDevToExit, runScript, startNpmDev } from '../support/npm-scripts'

/**
 * The local secrets file through switches of configuration (issue 14, finding 7): what a
 * configuration needs is added as demo values, what one without a demo value lacks is named
 * with the file and the line, leftovers of another configuration are warnings, and each
 * problem is reported under the file that holds the value.
 */
const dir = mkdtempSync(join(tmpdir(), 'cwt-secrets-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const DEMO_KEY = dotenvValue('.dev.vars.example', 'CONNECT_SECRET')
const DEMO_SECRETS = `CONNECT_SECRET="${DEMO_KEY}"\nSESSION_SECRET="${dotenvValue('.dev.vars.example', 'SESSION_SECRET')}"\n`
const readme = readFileSync('README.md', 'utf8')
const TWO_WIDGETS = readme.slice(
  readme.indexOf('# Two widgets, one Worker'),
  readme.indexOf('```', readme.indexOf('# Two widgets, one Worker')),
)
const ONE_WIDGET = '[vars]\nWIDGET_ID = "acme-support"\nSESSION_ALGORITHMS = ["HS256"]\n'

function folder(name: string, files: Record<string, string>): string {
  const path = join(dir, name)
  mkdirSync(path)
  for (const [file, text] of Object.entries(files)) writeFileSync(join(path, file), text)
  return path
}

describe('Switching configurations with one .dev.vars', () => {
  const project = folder('switch', { '.dev.vars': DEMO_SECRETS, 'wrangler.toml': TWO_WIDGETS })
  const config = join(project, 'wrangler.toml')

  it('Should add the widget keys the two-widget configuration needs, as marked demo values, and start', async () => {
    const dev = await startNpmDev(['--config', config])
    try {
      const response = await fetch(`${dev.url}/token/support`)
      expect(await response.json(), dev.output()).toMatchObject({ error: { code: 'SESSION_MISSING' } })
      expect(dev.output()).toContain('CONNECT_SECRET_SUPPORT, CONNECT_SECRET_SALES')
      expect(dev.output()).toContain('⚠ CONNECT_SECRET is not used by this configuration')
      expect(dev.output()).not.toContain(DEMO_KEY)
    } finally {
      await dev.stop()
    }
    const file = readFileSync(join(project, '.dev.vars'), 'utf8')
    expect(file).toMatch(/^CONNECT_SECRET=/m)
    expect(file).toMatch(
      /# demo values added by npm run dev .*\nCONNECT_SECRET_SUPPORT=".+"\nCONNECT_SECRET_SALES=".+"\n$/,
    )
  })

  it("Should take the other configuration's keys as leftovers after switching back: warnings, and tokens", async () => {
    writeFileSync(config, ONE_WIDGET)
    const check = await runScript('scripts/check-config.ts', ['--local', '--config', config])
    expect(check.code, check.output).toBe(0)
    expect(check.output).toContain(`✓ ${join(project, '.dev.vars')}: valid`)
    expect(check.output).toContain('⚠ CONNECT_SECRET_SUPPORT is not used by this configuration')
    expect(check.output).toContain('⚠ CONNECT_SECRET_SALES is not used by this configuration')
    const dev = await startNpmDev(['--config', config])
    try {
      const login = await fetch(`${dev.url}/dev/login?name=Ann`)
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]
      const token = await fetch(`${dev.url}/token`, { headers: { cookie } })
      expect({ status: token.status, body: await token.text(), login: login.status }, dev.output()).toMatchObject({
        status: 200,
      })
    } finally {
      await dev.stop()
    }
  })
})

describe('A local secret the configuration needs and the file lacks', () => {
  it('Should be reported under the local file, with the line to add', async () => {
    const project = folder('missing', {
      '.dev.vars': 'SESSION_SECRET="a-local-session-secret-for-this-test"\n',
      'wrangler.toml': ONE_WIDGET,
    })
    const { code, output } = await runScript('scripts/check-config.ts', [
      '--local',
      '--config',
      join(project, 'wrangler.toml'),
    ])
    expect(code).toBe(1)
    expect(output).toContain(`✓ ${join(project, 'wrangler.toml')}: valid`)
    expect(output).toContain(`✗ ${join(project, '.dev.vars')}: 1 problem`)
    expect(output).toContain(`add the line CONNECT_SECRET="…" to ${join(project, '.dev.vars')}`)
  })

  it('Should be named, never written, in a file given with --env-file, and npm run dev should not start', async () => {
    const own = 'SESSION_SECRET="a-local-session-secret-for-this-test"\n'
    const project = folder('env-file', { 'secrets.env': own, 'wrangler.toml': ONE_WIDGET })
    // An absolute path: Node itself refuses a script's `--env-file` it cannot find from the working directory.
    const envFile = join(project, 'secrets.env')
    const { code, output } = await runNpmDevToExit(['--config', join(project, 'wrangler.toml'), '--env-file', envFile])
    expect(code).toBe(1)
    expect(output).toContain(`✗ ${join(project, 'secrets.env')}: 1 problem`)
    expect(output).toContain('CONNECT_SECRET: is required')
    expect(output).toContain('Not started: fix the problems above first.')
    expect(readFileSync(join(project, 'secrets.env'), 'utf8')).toBe(own)
  })
})

describe('A local file that holds a real widget key', () => {
  // The attacker's try of issue 14: a real key beside the public demo session secret signs tokens
  // for sessions anyone can make, so no demo value is added beside a secret of the user's own.
  it('Should get no demo session secret: the missing one is named with its line, and npm run dev does not start', async () => {
    const own = 'CONNECT_SECRET="REAL-widget-key-of-this-test-0123456789abcdef"\n'
    const project = folder('real-key', { '.dev.vars': own, 'wrangler.toml': ONE_WIDGET })
    const { code, output } = await runNpmDevToExit(['--config', join(project, 'wrangler.toml')])
    expect(code).toBe(1)
    expect(output).toContain(`add the line SESSION_SECRET="…" to ${join(project, '.dev.vars')}`)
    expect(readFileSync(join(project, '.dev.vars'), 'utf8')).toBe(own)
  })
})

describe('npm run dev -- --env NAME without any local secrets file', () => {
  it('Should create .dev.vars.NAME beside the configuration, with demo values', async () => {
    const project = folder('per-env', {
      'wrangler.toml': `${ONE_WIDGET}\n[env.staging.vars]\nWIDGET_ID = "acme-staging"\nSESSION_ALGORITHMS = ["HS256"]\n`,
    })
    const dev = await startNpmDev(['--config', join(project, 'wrangler.toml'), '--env', 'staging'])
    await dev.stop()
    expect(existsSync(join(project, '.dev.vars'))).toBe(false)
    const file = readFileSync(join(project, '.dev.vars.staging'), 'utf8')
    expect(file).toContain('# demo values added by npm run dev')
    expect(file).toContain(`CONNECT_SECRET="${DEMO_KEY}"`)
    expect(file).toMatch(/^SESSION_SECRET=/m)
  })
})
