import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, type ExpectStatic, expect, it } from 'vitest'
import { dotenvValue } from '../support/dotenv'
import { runScript, startNpmDev } from '../support/npm-scripts'

/**
 * The env the scripts check is the env wrangler gives the Worker (issue 14, findings 2–5):
 * the bindings the configuration file declares, `--var`, the file wrangler finds in any of
 * its formats, and wrangler's own error for a file it cannot parse, from every script.
 */
const dir = mkdtempSync(join(tmpdir(), 'cwt-env-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const readme = readFileSync('README.md', 'utf8')
const EXPRESS = readme.slice(
  readme.indexOf('# wrangler.toml: the token endpoint for a site on Express'),
  readme.indexOf('```', readme.indexOf('# wrangler.toml: the token endpoint for a site on Express')),
)
const DEMO_SECRETS = `CONNECT_SECRET="${dotenvValue('.dev.vars.example', 'CONNECT_SECRET')}"\nSESSION_SECRET="${dotenvValue('.dev.vars.example', 'SESSION_SECRET')}"\n`
const HEADER = `name = "env-test"\nmain = ${JSON.stringify(resolve('src/index.ts'))}\ncompatibility_date = "2026-11-01"\n`

/** A configuration in a folder of its own, with the demo secrets beside it. */
function project(name: string, files: Record<string, string>): string {
  const folder = join(dir, name)
  mkdirSync(folder, { recursive: true })
  for (const [file, text] of Object.entries({ '.dev.vars': DEMO_SECRETS, ...files })) {
    writeFileSync(join(folder, file), text)
  }
  return folder
}

describe('The local check sees the bindings the configuration file declares (finding 2)', () => {
  it("Should pass the README's Express configuration, whose rate limiter is a [[ratelimits]] binding", async () => {
    const folder = project('express', { 'wrangler.toml': EXPRESS })
    const { code, output } = await runScript('scripts/check-config.ts', [
      '--local',
      '--config',
      join(folder, 'wrangler.toml'),
    ])
    expect(output).not.toContain('no rate limiter is bound')
    expect(code, output).toBe(0)
  })

  it('Should pass KV sessions whose namespace is a [[kv_namespaces]] binding, and name a missing one', async () => {
    const kv = `${HEADER}[vars]\nWIDGET_ID = "w"\nSESSION_SOURCE = "kv"\nSESSION_KV_BINDING = "SESSIONS"\nSESSION_KV_PREFIX = "sess:"\n`
    const bound = project('kv', {
      'wrangler.toml': `${kv}\n[[kv_namespaces]]\nbinding = "SESSIONS"\nid = "0f2ac74b498b48028cb68387c421e279"\n`,
    })
    const passed = await runScript('scripts/check-config.ts', ['--local', '--config', join(bound, 'wrangler.toml')])
    expect(passed.code, passed.output).toBe(0)
    const unbound = project('kv-unbound', { 'wrangler.toml': kv })
    const refused = await runScript('scripts/check-config.ts', ['--local', '--config', join(unbound, 'wrangler.toml')])
    expect(refused.code).toBe(1)
    expect(refused.output).toContain('SESSION_KV_BINDING: no KV namespace is bound as "SESSIONS"')
  })
})

describe('The local check sees --var as wrangler dev does (finding 3)', () => {
  const jwksLater = `${HEADER}[vars]\nWIDGET_ID = "w"\nSESSION_ALGORITHMS = ["RS256"]\n`

  it('Should take --var SESSION_JWKS_URL:… as the key source, split at the first colon', async () => {
    const folder = project('var', { 'wrangler.toml': jwksLater })
    const args = ['--local', '--config', join(folder, 'wrangler.toml')]
    const { code, output } = await runScript('scripts/check-config.ts', [
      ...args,
      '--var',
      'SESSION_JWKS_URL:http://127.0.0.1:9/jwks.json',
    ])
    expect(output).not.toContain('0 set')
    expect(code, output).toBe(0)
  })

  it('Should report a bad --var value under --var', async () => {
    const folder = project('bad-var', { 'wrangler.toml': jwksLater })
    const { code, output } = await runScript('scripts/check-config.ts', [
      '--local',
      '--config',
      join(folder, 'wrangler.toml'),
      '--var=SESSION_JWKS_URL:http://login.example.net/jwks.json',
    ])
    expect(code).toBe(1)
    expect(output).toContain('✗ --var: 1 problem')
    expect(output).toContain('SESSION_JWKS_URL: must be an https:// URL')
  })

  it('Should start npm run dev with the override, and answer as that configuration', async () => {
    // Only the widget key: sessions from a JWKS need no SESSION_SECRET, which would be a warning.
    const widgetKey = `CONNECT_SECRET="${dotenvValue('.dev.vars.example', 'CONNECT_SECRET')}"\n`
    const folder = project('var-dev', { 'wrangler.toml': jwksLater, '.dev.vars': widgetKey })
    const dev = await startNpmDev([
      '--config',
      join(folder, 'wrangler.toml'),
      '--var',
      'SESSION_JWKS_URL:http://127.0.0.1:9/jwks.json',
    ])
    try {
      const response = await fetch(`${dev.url}/token`)
      expect(response.status, dev.output()).toBe(401)
      expect(await response.json()).toMatchObject({ error: { code: 'SESSION_MISSING' } })
      // Nothing to add or warn about: one line says that the check ran, and over what.
      const checked = `✓ ${join(folder, 'wrangler.toml')}, --var: valid (local secrets: ${join(folder, '.dev.vars')})`
      expect(dev.output()).toContain(checked)
    } finally {
      await dev.stop()
    }
  })
})

describe('--var in the deployment check, as in the local check', () => {
  const own = `${HEADER}[vars]\nWIDGET_ID = "acme-support"\nSESSION_ALGORITHMS = ["HS256"]\n`

  it('Should report a bad --var value under --var, and say when the --var values are valid', async () => {
    const config = join(project('deploy-var', { 'wrangler.toml': own }), 'wrangler.toml')
    const [bad, good, local] = await Promise.all([
      runScript('scripts/check-config.ts', ['--config', config, '--var', 'TOKEN_TTL_SECONDS:9999']),
      runScript('scripts/check-config.ts', ['--config', config, '--var', 'TOKEN_TTL_SECONDS:120']),
      runScript('scripts/check-config.ts', ['--local', '--config', config, '--var', 'TOKEN_TTL_SECONDS:120']),
    ])
    expect(bad.code).toBe(1)
    expect(bad.output).toContain(`✓ ${config}: valid`)
    expect(bad.output).toContain('✗ --var: 1 problem\n    ✗ TOKEN_TTL_SECONDS: must be between 1 and 600, got 9999')
    expect(good.code, good.output).toBe(0)
    expect(good.output).toContain('✓ --var: valid')
    expect(local.code, local.output).toBe(0)
    expect(local.output).toContain('✓ --var: valid')
  })
})

describe('CLOUDFLARE_ENV, the default wrangler gives --env', () => {
  it('Should pick the environment of the configuration, and (as wrangler dev does) not .dev.vars.<env>', async () => {
    const staging = `${HEADER}[env.staging.vars]\nWIDGET_ID = "acme-staging"\nSESSION_ALGORITHMS = ["HS256"]\n`
    const folder = project('cloudflare-env', {
      'wrangler.toml': staging,
      '.dev.vars.staging': 'CONNECT_SECRET="short"\n',
    })
    const args = ['--local', '--config', join(folder, 'wrangler.toml')]
    const byVariable = await runScript('scripts/check-config.ts', args, { env: { CLOUDFLARE_ENV: 'staging' } })
    expect(byVariable.code, byVariable.output).toBe(0)
    expect(byVariable.output).toContain('wrangler.toml [env.staging]: valid')
    expect(byVariable.output).toContain(`✓ ${join(folder, '.dev.vars')}: valid`)
    const byFlag = await runScript('scripts/check-config.ts', [...args, '--env', 'staging'])
    expect(byFlag.code).toBe(1)
    expect(byFlag.output).toContain(`✗ ${join(folder, '.dev.vars.staging')}: 2 problems`)
    expect(byFlag.output).toContain('CONNECT_SECRET: must be the widget')
    expect(byFlag.output).toContain(`add the line SESSION_SECRET="…" to ${join(folder, '.dev.vars.staging')}`)
  })
})

describe.concurrent('A configuration file wrangler cannot parse (finding 4)', () => {
  const unquoted = `${HEADER}\n[vars]\nWIDGET_ID = demo-widget-id\n`
  const duplicate = `${HEADER}name = "twice"\n`

  /** What wrangler prints for it: the file, line and column, the line, a caret; no stack, not the whole file. */
  function expectWranglersError(output: string, place: string, line: string, expect: ExpectStatic) {
    expect(output).toContain(place)
    expect(output).toContain(line)
    expect(output).toMatch(/│.*\n\s*╵\s*\^/)
    expect(output).not.toMatch(/\n\s+at /)
    expect(output).not.toContain('fileText')
    expect(output).not.toContain('compatibility_date')
  }

  it('Should print an unquoted value and a duplicate key as wrangler does (npm run check-config)', async ({
    expect,
  }) => {
    const folder = project('unparsable', { 'wrangler.toml': unquoted, 'twice.toml': duplicate })
    const [value, key] = await Promise.all(
      ['wrangler.toml', 'twice.toml'].map((file) =>
        runScript('scripts/check-config.ts', ['--config', join(folder, file)]),
      ),
    )
    expect(value.code).toBe(1)
    expectWranglersError(value.output, 'wrangler.toml:6:12', 'WIDGET_ID = demo-widget-id', expect)
    expect(key.code).toBe(1)
    expectWranglersError(key.output, 'twice.toml:4:0', 'name = "twice"', expect)
  })

  it.for<[string, string[]]>([
    ['dev', []],
    ['deploy', ['--dry-run']],
    ['dry-run', []],
    ['secret', ['CONNECT_SECRET']],
  ])('Should make npm run %s print it the same way', async ([script, args], { expect }) => {
    const folder = project(`unparsable-${script}`, { 'wrangler.toml': unquoted })
    const { code, output } = await runScript(`scripts/${script}.ts`, [
      '--config',
      join(folder, 'wrangler.toml'),
      ...args,
    ])
    expect(code, output).toBe(1)
    expectWranglersError(output, 'wrangler.toml:6:12', 'WIDGET_ID = demo-widget-id', expect)
  })
})

describe('wrangler.json and wrangler.jsonc, found as wrangler finds them (finding 5)', () => {
  const jsonc = `// the shape \`npm create cloudflare\` writes\n{\n  "name": "jsonc-test",\n  "main": ${JSON.stringify(resolve('src/index.ts'))},\n  "compatibility_date": "2026-11-01",\n  "vars": { "WIDGET_ID": "acme-support", "SESSION_ALGORITHMS": ["HS256"] },\n  "env": {\n    "staging": { "vars": { "WIDGET_ID": "acme-staging", "SESSION_ALGORITHMS": ["HS256"] } },\n  },\n}\n`

  it('Should check the wrangler.jsonc of the working directory without --config', async () => {
    const folder = project('jsonc', { 'wrangler.jsonc': jsonc })
    const { code, output } = await runScript(resolve('scripts/check-config.ts'), ['--all'], { cwd: folder })
    expect(code, output).toBe(0)
    expect(output).toContain('✓ wrangler.jsonc: valid')
    expect(output).toContain('✓ wrangler.jsonc [env.staging]: valid')
  })

  it('Should bundle every environment of a wrangler.jsonc given with npm run dry-run -- --config', async () => {
    const folder = project('jsonc-dry-run', { 'wrangler.jsonc': jsonc })
    const outdir = join(folder, 'dist')
    const { code, output } = await runScript('scripts/dry-run.ts', [
      '--config',
      join(folder, 'wrangler.jsonc'),
      '--outdir',
      outdir,
    ])
    expect(code, output).toBe(0)
    expect(output).toContain('deployed secrets not checked: a dry run uploads nothing')
    // The top level is asked for by name (wrangler's --env=""), so wrangler does not warn that none was.
    expect(output).not.toContain('no target environment was specified')
    expect(readFileSync(join(outdir, 'staging', 'index.js'), 'utf8')).toContain('SESSION_MISSING')
    expect(readFileSync(join(outdir, 'top-level', 'index.js'), 'utf8')).toContain('SESSION_MISSING')
  })
})
