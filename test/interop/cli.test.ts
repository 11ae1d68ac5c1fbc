import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import jsonwebtoken from 'jsonwebtoken'
import { afterAll, describe, expect, it } from 'vitest'
import { runScript } from '../support/npm-scripts'

const dir = mkdtempSync(join(tmpdir(), 'cwt-check-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function configFile(vars: string): string {
  const path = join(dir, `wrangler-${Math.random().toString(36).slice(2)}.toml`)
  writeFileSync(
    path,
    `name = "x"\nmain = "${join(process.cwd(), 'src/index.ts')}"\ncompatibility_date = "2026-11-01"\n${vars}`,
  )
  return path
}

/** The mistakes a newcomer made, each of which used to pass `npm run dry-run` and `wrangler dev`. */
const MISTAKES = `
[vars]
WIDGET_ID = "replace-with-your-widget-id"
TOKEN_TTL_SECONDS = 3600
ALLOWED_ORIGINS = ["https://www.example.com/", "https://*.com"]
SESSION_ALGORITHMS = ["RS256"]
SESSION_JWKS_URL = "http://login.example.com/jwks.json"
SESSION_ISUER = "https://login.example.com"
SESSION_AUDIENCE = ""
`

describe('npm run check-config', () => {
  it('Should pass every shipped environment and list the secrets each needs', async () => {
    const { code, output } = await runScript('scripts/check-config.ts', ['--all'])
    expect(code, output).toBe(0)
    expect(output).toContain('✓ wrangler.toml: valid')
    expect(output).toContain('✓ wrangler.toml [env.staging]: valid')
    expect(output).toContain('✓ wrangler.toml [env.production]: valid')
    expect(output).toContain('npm run secret -- CONNECT_SECRET --env production')
    expect(output).not.toContain('SESSION_SECRET --env production')
  })

  it('Should print every mistake at once, each with its key and a fix, and exit 1', async () => {
    const { code, output } = await runScript('scripts/check-config.ts', ['--config', configFile(MISTAKES)])
    expect(code).toBe(1)
    expect(output).toContain('7 problems')
    for (const line of [
      'WIDGET_ID: still holds a template placeholder',
      'TOKEN_TTL_SECONDS: must be between 1 and 600, got 3600',
      'ALLOWED_ORIGINS[0]: "https://www.example.com/" is not an origin',
      'ALLOWED_ORIGINS[1]: "https://*.com" would allow every site under "com"',
      'SESSION_JWKS_URL: must be an https:// URL',
      'SESSION_ISUER: is not a setting of this Worker; did you mean SESSION_ISSUER?',
      'SESSION_AUDIENCE: is empty',
    ]) {
      expect(output).toContain(line)
    }
  })

  it('Should refuse a secret committed into the vars, without printing it', async () => {
    const secret = 'committed-secret-value-that-must-not-print'
    const path = configFile(`[vars]\nWIDGET_ID = "w"\nSESSION_ALGORITHMS = ["HS256"]\nCONNECT_SECRET = "${secret}"\n`)
    const { code, output } = await runScript('scripts/check-config.ts', ['--config', path])
    expect(code).toBe(1)
    expect(output).toContain('CONNECT_SECRET: is a secret')
    expect(output).not.toContain(secret)
  })
})

// Issue 17: the metrics settings go through the validator, and the dataset through the configuration file.
describe('npm run check-config with metrics', () => {
  const METRICS = '[vars]\nWIDGET_ID = "w"\nSESSION_ALGORITHMS = ["HS256"]\nMETRICS_BINDING = "TOKEN_METRICS"\n'
  const DATASET = '\n[[analytics_engine_datasets]]\nbinding = "TOKEN_METRICS"\ndataset = "connect_widget_token"\n'

  it('Should pass a METRICS_BINDING whose dataset the file declares, deployed and locally (a real local binding)', async () => {
    // Locally the secrets come from the .dev.vars beside the file.
    const folder = mkdtempSync(join(dir, 'metrics-'))
    const path = join(folder, 'wrangler.toml')
    writeFileSync(
      path,
      `name = "x"\nmain = "${join(process.cwd(), 'src/index.ts')}"\ncompatibility_date = "2026-11-01"\n${METRICS}${DATASET}`,
    )
    writeFileSync(
      join(folder, '.dev.vars'),
      `CONNECT_SECRET="${'k'.repeat(44)}"\nSESSION_SECRET="local-session-secret"\n`,
    )
    for (const args of [
      ['--config', path],
      ['--config', path, '--local'],
    ]) {
      const { code, output } = await runScript('scripts/check-config.ts', args)
      expect(code, output).toBe(0)
      expect(output).toContain('valid')
    }
  })

  it('Should refuse a METRICS_BINDING that names no dataset: deployed, every request would be refused', async () => {
    const path = configFile(METRICS)
    const deployed = await runScript('scripts/check-config.ts', ['--config', path])
    expect(deployed.code).toBe(1)
    expect(deployed.output).toContain('✗ METRICS_BINDING: "TOKEN_METRICS" names no dataset: add')
    const local = await runScript('scripts/check-config.ts', ['--config', path, '--local'])
    expect(local.code).toBe(1)
    expect(local.output).toContain('✗ METRICS_BINDING: no Analytics Engine dataset is bound as "TOKEN_METRICS"')
  })

  it('Should refuse LOG_TOKENS_ISSUED = false without METRICS_BINDING, and a misspelt setting', async () => {
    const path = configFile(
      '[vars]\nWIDGET_ID = "w"\nSESSION_ALGORITHMS = ["HS256"]\nLOG_TOKENS_ISSUED = false\nMETRICS_BINDNG = "X"\n',
    )
    const { code, output } = await runScript('scripts/check-config.ts', ['--config', path])
    expect(code).toBe(1)
    expect(output).toContain('✗ LOG_TOKENS_ISSUED: = false needs METRICS_BINDING')
    expect(output).toContain('✗ METRICS_BINDNG: is not a setting of this Worker; did you mean METRICS_BINDING?')
  })
})

describe('npm run deploy', () => {
  it('Should not reach wrangler deploy when the check fails', async () => {
    const { code, output } = await runScript('scripts/deploy.ts', ['--config', configFile(MISTAKES), '--dry-run'])
    expect(code).toBe(1)
    expect(output).toContain('Not deployed: fix the problems above first.')
    expect(output).not.toContain('Total Upload')
  })
})

describe('npm run inspect', () => {
  const secret = 'TEST-ONLY-connect-widget-security-key-000000'
  // Minted in each test, when it runs: a token made at collection time could expire before.
  const now = () => Math.floor(Date.now() / 1000)

  it('Should verify a token with the key from the environment, never printing the key', async () => {
    const valid = jsonwebtoken.sign({ sub: 'w', iat: now(), exp: now() + 300, attributes: { name: 'Ann' } }, secret)
    const { code, output } = await runScript('scripts/inspect-token.ts', [valid, '--widget-id', 'w'], {
      env: { CONNECT_SECRET: secret },
    })
    expect(code, output).toBe(0)
    expect(output).toContain('✓ signature: HS256, verified with the given key')
    expect(output).toContain('The widget would accept this token.')
    expect(output).not.toContain(secret)
  })

  it('Should exit 1 naming the broken rule', async () => {
    const long = jsonwebtoken.sign({ sub: 'w', iat: now(), exp: now() + 3600, attributes: { age: 42 } }, secret)
    const { code, output } = await runScript('scripts/inspect-token.ts', [long], { env: { CONNECT_SECRET: '' } })
    expect(code).toBe(1)
    expect(output).toContain('✗ lifetime: 3600 s (at most 600)')
    expect(output).toContain('✗ attributes: age: every value must be a string')
    expect(output).toContain('– signature: not checked')
  })
})

describe.concurrent('npm run inspect, given what it cannot use', () => {
  const secret = 'TEST-ONLY-connect-widget-security-key-000000'
  const token = () => {
    const now = Math.floor(Date.now() / 1000)
    return jsonwebtoken.sign({ sub: 'w', iat: now, exp: now + 300, attributes: { name: 'Ann' } }, secret)
  }
  const USAGE = 'usage: npm run inspect -- <token | -> [--widget-id ID]'

  it('Should print its usage for --help, and exit 0', async ({ expect }) => {
    const { code, output } = await runScript('scripts/inspect-token.ts', ['--help'])
    expect(code, output).toBe(0)
    expect(output).toContain(USAGE)
    expect(output).not.toContain('compact JWS')
  })

  it.for<[string, () => string[], string]>([
    ['an unknown flag', () => [token(), '--widgetid', 'w'], "Unknown option '--widgetid'"],
    ['--widget-id without a value', () => [token(), '--widget-id'], "Option '--widget-id <value>' argument missing"],
    ['a second token', () => [token(), token()], 'one token at a time'],
    ['no token', () => [], 'no token given'],
  ])('Should refuse %s with its usage, and exit 2', async ([, args, why], { expect }) => {
    const { code, output } = await runScript('scripts/inspect-token.ts', args(), { env: { CONNECT_SECRET: secret } })
    expect(code, output).toBe(2)
    expect(output).toContain(why)
    expect(output).toContain(USAGE)
    expect(output).not.toContain('The widget would')
  })

  it('Should say that a CONNECT_SECRET of another length is no widget key, never printing it', async ({ expect }) => {
    const short = secret.slice(0, 40)
    const { code, output } = await runScript('scripts/inspect-token.ts', [token()], { env: { CONNECT_SECRET: short } })
    expect(code, output).toBe(2)
    expect(output).toContain("CONNECT_SECRET: must be the widget's 44-character security key")
    expect(output).toContain('got 40 characters')
    expect(output).not.toContain('does not verify')
    expect(output).not.toContain(short)
  })

  it('Should not suggest CONNECT_SECRET for a token that is not one', async ({ expect }) => {
    const { code, output } = await runScript('scripts/inspect-token.ts', ['not-a-token'], {
      env: { CONNECT_SECRET: '' },
    })
    expect(code).toBe(1)
    expect(output).toContain('✗ compact JWS')
    expect(output).not.toContain('CONNECT_SECRET')
  })
})
