import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest'
import { type CloudflareApi, startCloudflareApi } from '../support/cloudflare-api'
import { isolatedEnv, runScript } from '../support/npm-scripts'

/**
 * What `npm run deploy` checks before `wrangler deploy` (issue 14, findings 6, 11 and 12): the
 * deployed secrets, against a loopback stand-in of the Cloudflare API; the shipped template's
 * placeholders; the entry. And `npm run secret`, which checks a widget key before uploading it.
 */
const dir = mkdtempSync(join(tmpdir(), 'cwt-deploy-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const KEY = 'TEST-ONLY-connect-widget-security-key-000000'
/** A configuration of someone's own: no placeholder, so that only the secrets decide. */
const OWN = `name = "acme-chat-token"
main = ${JSON.stringify(resolve('src/index.ts'))}
compatibility_date = "2026-11-01"

[env.production.vars]
WIDGET_ID = "a1b2c3d4-acme-support"
SESSION_ALGORITHMS = ["HS256"]
`
const own = join(dir, 'wrangler.toml')
writeFileSync(own, OWN)

describe('npm run deploy and the deployed secrets (finding 6)', () => {
  let api: CloudflareApi
  afterEach(() => api?.close())

  it('Should stop before wrangler deploy when a needed secret is not deployed, naming the command', async () => {
    api = await startCloudflareApi({ 'acme-chat-token-production': ['CONNECT_SECRET'] })
    const { code, output } = await runScript('scripts/deploy.ts', ['--config', own, '--env', 'production'], {
      env: api.env,
    })
    expect(code).toBe(1)
    expect(output).toContain('✗ deployed secrets of acme-chat-token-production: 1 problem')
    expect(output).toContain('SESSION_SECRET: is not deployed')
    expect(output).toContain(`npm run secret -- SESSION_SECRET --env production --config ${own}`)
    expect(output).toContain('Not deployed: fix the problems above first.')
    expect(api.deployAttempts()).toEqual([])
  })

  it('Should name every secret of a Worker not deployed yet', async () => {
    api = await startCloudflareApi({})
    const { code, output } = await runScript('scripts/deploy.ts', ['--config', own, '-e', 'production'], {
      env: api.env,
    })
    expect(code).toBe(1)
    expect(output).toContain('CONNECT_SECRET: is not deployed')
    expect(output).toContain('SESSION_SECRET: is not deployed')
    expect(output).toContain('acme-chat-token-production is not deployed yet')
    expect(api.deployAttempts()).toEqual([])
  })

  it('Should go on to wrangler deploy when every needed secret is deployed, and name a leftover one', async () => {
    api = await startCloudflareApi({
      'acme-chat-token-production': ['CONNECT_SECRET', 'SESSION_SECRET', 'CONNECT_SECRET_SALES'],
    })
    const { output } = await runScript('scripts/deploy.ts', ['--config', own, '--env', 'production'], { env: api.env })
    expect(output).toContain('✓ deployed secrets of acme-chat-token-production: valid')
    expect(output).toContain('CONNECT_SECRET_SALES is not used by this configuration: npx wrangler secret delete')
    expect(api.deployAttempts().length).toBeGreaterThan(0)
  })

  it('Should say that it did not check, without credentials and in a dry run', async () => {
    const noCredentials = await runScript('scripts/check-config.ts', ['--config', own, '--env', 'production'])
    expect(noCredentials.code, noCredentials.output).toBe(0)
    expect(noCredentials.output).toContain('deployed secrets not checked: wrangler has no credentials')
    const outdir = join(dir, 'dry-run')
    const dryRun = await runScript('scripts/deploy.ts', [
      '--config',
      own,
      '--env',
      'production',
      '--dry-run',
      '--outdir',
      outdir,
    ])
    expect(dryRun.code, dryRun.output).toBe(0)
    expect(dryRun.output).toContain('deployed secrets not checked: a dry run uploads nothing')
  })
})

describe('The commands the deployment check suggests', () => {
  it('Should set each needed secret with npm run secret, which checks a widget key, aligned for long names', async () => {
    const widgets = join(dir, 'long-secret-name.toml')
    const entry =
      '{ NAME = "sales", TOKEN_PATH = "/token/sales", WIDGET_ID = "acme-sales", SECRET = "CONNECT_SECRET_SALES_WIDGET" }'
    writeFileSync(widgets, `${OWN.replace('WIDGET_ID = "a1b2c3d4-acme-support"\n', '')}WIDGETS = [${entry}]\n`)
    const { code, output } = await runScript('scripts/check-config.ts', ['--config', widgets, '--env', 'production'])
    expect(code, output).toBe(0)
    const lines = output.split('\n').filter((line) => line.includes('npm run secret --'))
    expect(lines.map((line) => line.trim().split(/\s+/)[0])).toEqual(['CONNECT_SECRET_SALES_WIDGET', 'SESSION_SECRET'])
    expect(lines[0]).toContain(`npm run secret -- CONNECT_SECRET_SALES_WIDGET --env production --config ${widgets}`)
    expect(new Set(lines.map((line) => line.indexOf('npm run secret')))).toHaveLength(1)
    expect(output).not.toContain('wrangler secret put')
  })
})

describe("npm run deploy and the shipped template's placeholders (finding 11)", () => {
  it('Should refuse the example.com route and the sample widget id, and bundle nothing', async () => {
    const { code, output } = await runScript('scripts/deploy.ts', ['--env', 'production'])
    expect(code).toBe(1)
    expect(output).toContain('routes[0]: "www.example.com" is under example.com')
    expect(output).toContain('WIDGET_ID: "production-support-widget" is a sample widget id')
    expect(output).toContain('SESSION_JWKS_URL: "login.example.com" is under example.com')
    expect(output).not.toContain('Total Upload')
  })

  it('Should deploy them with --allow-placeholders, which wrangler never sees', async () => {
    const api = await startCloudflareApi({ 'connect-widget-token-production': ['CONNECT_SECRET'] })
    try {
      const { output } = await runScript('scripts/deploy.ts', ['--env', 'production', '--allow-placeholders'], {
        env: api.env,
      })
      expect(output).toContain('allowed by --allow-placeholders: WIDGET_ID: "production-support-widget"')
      expect(output).not.toContain('Unknown argument')
      expect(api.deployAttempts().length).toBeGreaterThan(0)
    } finally {
      await api.close()
    }
  })

  // Printed before wrangler runs, which may fail, or, in a dry run, deploy nothing.
  it('Should word what --allow-placeholders will do, not what a dry run did not', async () => {
    const outdir = mkdtempSync(join(dir, 'allowed-'))
    const args = ['--env', 'production', '--allow-placeholders', '--dry-run', '--outdir', outdir]
    const { code, output } = await runScript('scripts/deploy.ts', args)
    expect(code, output).toBe(0)
    expect(output).toContain('allowed by --allow-placeholders: WIDGET_ID: "production-support-widget"')
    expect(output).not.toContain('deployed anyway')
  })
})

describe('npm run deploy and the development entry (finding 12)', () => {
  let outdir: string
  beforeEach(() => {
    outdir = mkdtempSync(join(dir, 'out-'))
  })

  it.each([
    ['a positional entry', ['src/dev.ts']],
    ['--script', ['--script', 'src/dev.ts']],
  ])('Should refuse src/dev.ts given as %s, and bundle nothing', async (_, entry) => {
    const args = ['--env', 'production', '--dry-run', '--outdir', outdir, ...entry]
    const { code, output } = await runScript('scripts/deploy.ts', args)
    expect(code).toBe(1)
    expect(output).toContain('the entry given on the command line: is src/dev.ts, the development entry')
    expect(readdirSync(outdir)).toEqual([])
  })

  it('Should refuse main = "src/dev.ts" in any environment, in deploy and in the check', async () => {
    const devMain = join(dir, 'dev-main.toml')
    writeFileSync(devMain, `${OWN}\n[env.staging]\nmain = ${JSON.stringify(resolve('src/dev.ts'))}\n`)
    for (const script of ['scripts/deploy.ts', 'scripts/check-config.ts']) {
      const { code, output } = await runScript(script, ['--config', devMain, '--env', 'production', '--dry-run'])
      expect(code, script).toBe(1)
      expect(output).toContain('[env.staging] main: is src/dev.ts, the development entry')
    }
    expect(existsSync(join(dir, 'dist'))).toBe(false)
  })
})

describe('npm run secret', () => {
  let api: CloudflareApi
  beforeEach(async () => {
    api = await startCloudflareApi({ 'acme-chat-token-production': [] })
  })
  afterEach(() => api.close())

  it('Should upload a 44-character widget key from stdin, without printing it', async () => {
    const args = ['CONNECT_SECRET', '--env', 'production', '--config', own]
    const { code, output } = await runScript('scripts/secret.ts', args, { env: api.env, input: `${KEY}\n` })
    expect(code, output).toBe(0)
    expect(api.uploaded.get('acme-chat-token-production')?.get('CONNECT_SECRET')).toBe(KEY)
    expect(output).not.toContain(KEY)
  })

  it('Should refuse a key of another length before anything is uploaded, without printing it', async () => {
    const args = ['CONNECT_SECRET', '--env', 'production', '--config', own]
    const short = KEY.slice(0, 40)
    const { code, output } = await runScript('scripts/secret.ts', args, { env: api.env, input: short })
    expect(code).toBe(1)
    expect(output).toContain("CONNECT_SECRET: must be the widget's 44-character security key")
    expect(output).toContain('got 40 characters')
    expect(output).not.toContain(short)
    // The secret list, asked for before the value (credentials), and no upload.
    expect(api.requests.filter(({ method }) => method !== 'GET')).toEqual([])
  })

  // util-linux's `script` gives the script a terminal, as when someone types the key.
  it.skipIf(!existsSync('/usr/bin/script'))('Should read a typed key at a prompt that does not echo it', async () => {
    const command = [
      process.execPath,
      resolve('scripts/secret.ts'),
      'CONNECT_SECRET',
      '--env',
      'production',
      '--config',
      own,
    ]
    const terminal = spawn('script', ['-qec', command.join(' '), '/dev/null'], { env: isolatedEnv(api.env) })
    let screen = ''
    terminal.stdout.on('data', (chunk) => {
      screen += chunk
      if (screen.includes('(not shown)') && terminal.stdin.writable) terminal.stdin.end(`${KEY}\r`)
    })
    const code = await new Promise((exited) => terminal.on('exit', exited))
    expect(code, screen).toBe(0)
    expect(screen).not.toContain(KEY)
    expect(api.uploaded.get('acme-chat-token-production')?.get('CONNECT_SECRET')).toBe(KEY)
  })

  it('Should say that wrangler has no credentials, and upload nothing', async () => {
    const args = ['CONNECT_SECRET', '--env', 'production', '--config', own]
    const { code, output } = await runScript('scripts/secret.ts', args, { input: `${KEY}\n` })
    expect(code).toBe(1)
    expect(output).toContain('wrangler has no credentials (CLOUDFLARE_API_TOKEN, or `npx wrangler login`)')
    expect(output).not.toContain('--temporary')
    expect(output).not.toContain(KEY)
  })

  it.skipIf(!existsSync('/usr/bin/script'))('Should say so before it asks for the key at a terminal', async () => {
    const command = [process.execPath, resolve('scripts/secret.ts'), 'CONNECT_SECRET', '--config', own]
    const terminal = spawn('script', ['-qec', command.join(' '), '/dev/null'], { env: isolatedEnv() })
    onTestFinished(() => {
      terminal.kill()
    })
    let screen = ''
    terminal.stdout.on('data', (chunk) => {
      screen += chunk
    })
    // Nothing to type: the script ends on its own, without a prompt.
    const code = await new Promise((exited) => terminal.on('exit', exited))
    expect(code, screen).toBe(1)
    expect(screen).toContain('wrangler has no credentials')
    expect(screen).not.toContain('(not shown)')
  })

  it("Should hold a widget's own SECRET name from WIDGETS to the same rule", async () => {
    const widgets = join(dir, 'widgets.toml')
    const entry =
      '{ NAME = "sales", TOKEN_PATH = "/token/sales", WIDGET_ID = "acme-sales", SECRET = "CONNECT_SECRET_SALES" }'
    writeFileSync(widgets, `${OWN.replace('WIDGET_ID = "a1b2c3d4-acme-support"\n', '')}WIDGETS = [${entry}]\n`)
    const args = ['CONNECT_SECRET_SALES', '--env', 'production', '--config', widgets]
    const { code, output } = await runScript('scripts/secret.ts', args, { env: api.env, input: 'too-short' })
    expect(code).toBe(1)
    expect(output).toContain('CONNECT_SECRET_SALES: must be the widget')
    // The secret list, asked for before the value (credentials), and no upload.
    expect(api.requests.filter(({ method }) => method !== 'GET')).toEqual([])
  })
})
