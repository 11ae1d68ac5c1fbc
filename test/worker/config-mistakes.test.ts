import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { checkVars, type Env, readConfig } from '../../src/config'
import { InvalidConfigError } from '../../src/errors'
import { TEST_CONNECT_SECRET } from '../support/secrets'

const demoEnv = env as unknown as Env

async function problemKeys(overrides: Record<string, unknown>): Promise<string[]> {
  const error = await readConfig({ ...demoEnv, ...overrides }).catch((caught: unknown) => caught)
  if (!(error instanceof InvalidConfigError)) return []
  return error.problems.map((problem) => problem.key)
}

async function problemText(overrides: Record<string, unknown>): Promise<string> {
  const error = await readConfig({ ...demoEnv, ...overrides }).catch((caught: unknown) => caught)
  return error instanceof InvalidConfigError ? error.message : ''
}

describe('Mistakes that used to pass silently', () => {
  it('Should name the closest setting for a misspelt var in its own namespace', async () => {
    expect(await problemText({ SESSION_ISUER: 'https://login.example.com' })).toMatch(
      /SESSION_ISUER: is not a setting of this Worker; did you mean SESSION_ISSUER\?/,
    )
    expect(await problemText({ TOKEN_TTL_SECOND: 60 })).toMatch(/did you mean TOKEN_TTL_SECONDS\?/)
    expect(await problemText({ ALLOWED_ORIGIN: [] })).toMatch(/did you mean ALLOWED_ORIGINS\?/)
  })

  it('Should leave alone vars and bindings outside its namespace', async () => {
    expect(await problemKeys({ SITE_NAME: 'x', SESSIONS: {}, RATE_LIMITER: {} })).toEqual([])
  })

  it.each([
    [{ SESSION_ISSUER: '' }, 'SESSION_ISSUER'],
    [{ SESSION_AUDIENCE: '' }, 'SESSION_AUDIENCE'],
    [{ SESSION_AUDIENCE: [] }, 'SESSION_AUDIENCE'],
    [{ SESSION_COOKIE: ' ' }, 'SESSION_COOKIE'],
    [{ TOKEN_TTL_SECONDS: '' }, 'TOKEN_TTL_SECONDS'],
  ])('Should refuse an empty value instead of turning a check off: %j', async (overrides, key) => {
    expect(await problemKeys(overrides)).toEqual([key])
  })

  it.each([
    ['33 characters', TEST_CONNECT_SECRET.slice(0, 33), /44-character security key .* got 33/],
    ['45 characters', `${TEST_CONNECT_SECRET}x`, /got 45/],
    ['a trailing space', `${TEST_CONNECT_SECRET} `, /white space/],
    ['a trailing newline', `${TEST_CONNECT_SECRET}\n`, /white space/],
  ])('Should refuse a CONNECT_SECRET with %s', async (_, secret, problem) => {
    expect(await problemKeys({ CONNECT_SECRET: secret })).toEqual(['CONNECT_SECRET'])
    expect(await problemText({ CONNECT_SECRET: secret })).toMatch(problem)
  })

  it.each([
    'https://*.com',
    'https://*.co.uk',
    'https://*.com.au',
    'https://*.github.io',
    'https://*.pages.dev',
    'http://*.localhost',
  ])('Should refuse the wildcard origin %s, which reaches sites of other owners', async (origin) => {
    expect(await problemKeys({ ALLOWED_ORIGINS: [origin] })).toEqual(['ALLOWED_ORIGINS[0]'])
    expect(await problemText({ ALLOWED_ORIGINS: [origin] })).toMatch(/would allow every site under/)
  })

  it('Should accept wildcards over a registrable domain', async () => {
    const config = await readConfig({
      ...demoEnv,
      ALLOWED_ORIGINS: ['https://*.example.co.uk', 'https://*.shop.github.io', 'https://*.example.com'],
    })
    expect(config.widgets[0].origins.allows('https://www.example.co.uk')).toBe(true)
    expect(config.widgets[0].origins.allows('https://evil.co.uk')).toBe(false)
    expect(config.widgets[0].origins.allows('https://evil.com')).toBe(false)
  })

  it('Should refuse a plain-http JWKS URL except on loopback', async () => {
    const jwks = { SESSION_SECRET: undefined, SESSION_ALGORITHMS: ['RS256'] }
    expect(await problemKeys({ ...jwks, SESSION_JWKS_URL: 'http://login.example.com/jwks.json' })).toEqual([
      'SESSION_JWKS_URL',
    ])
    expect(await problemKeys({ ...jwks, SESSION_JWKS_URL: 'http://127.0.0.1:9999/jwks.json' })).toEqual([])
    expect(await problemKeys({ ...jwks, SESSION_JWKS_URL: 'http://localhost:9999/jwks.json' })).toEqual([])
  })

  it.each([
    ['WIDGET_ID', 'replace-with-your-production-widget-id'],
    ['WIDGET_ID', '<widget id>'],
    ['WIDGET_ID', 'changeme'],
    ['SESSION_ISSUER', 'https://your-login.example.com'],
  ])('Should refuse the template placeholder in %s = %j', async (key, value) => {
    expect(await problemKeys({ [key]: value })).toEqual([key])
  })
})

describe('Several mistakes at once', () => {
  it('Should report every one of them, each naming its key', async () => {
    const keys = await problemKeys({
      TOKEN_TTL_SECONDS: 3600,
      ALLOWED_ORIGINS: ['https://www.example.com/', 'https://*.com'],
      CONNECT_SECRET: undefined,
      SESSION_ISUER: 'x',
      CONTACT_MAPPING: [
        { to: 'attributes.a', claim: 'a', requried: true },
        { to: 'attributes.b c', claim: 'b' },
      ],
    })
    expect(keys.sort()).toEqual(
      [
        'SESSION_ISUER',
        'TOKEN_TTL_SECONDS',
        'CONNECT_SECRET',
        'ALLOWED_ORIGINS[0]',
        'ALLOWED_ORIGINS[1]',
        'CONTACT_MAPPING[0].requried',
        'CONTACT_MAPPING[1].to',
      ].sort(),
    )
  })
})

describe('The check before a deployment (vars only, no secrets)', () => {
  const { CONNECT_SECRET: _connect, SESSION_SECRET: _session, ...vars } = demoEnv

  it('Should pass the demo vars and list the secrets they need', async () => {
    expect(await checkVars(vars)).toEqual({ problems: [], neededSecrets: ['CONNECT_SECRET', 'SESSION_SECRET'] })
  })

  it('Should need only CONNECT_SECRET when sessions are verified with a JWKS', async () => {
    const check = await checkVars({
      ...vars,
      SESSION_ALGORITHMS: ['RS256'],
      SESSION_JWKS_URL: 'https://login.example.com/jwks.json',
    })
    expect(check).toEqual({ problems: [], neededSecrets: ['CONNECT_SECRET'] })
  })

  it('Should refuse a secret written into the vars', async () => {
    const check = await checkVars({ ...vars, CONNECT_SECRET: TEST_CONNECT_SECRET })
    expect(check.problems.map((problem) => problem.key)).toEqual(['CONNECT_SECRET'])
    expect(check.problems[0].problem).toMatch(/npm run secret -- CONNECT_SECRET/)
  })

  it('Should still catch a public key that cannot be imported', async () => {
    const check = await checkVars({
      ...vars,
      SESSION_ALGORITHMS: ['RS256'],
      SESSION_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----',
    })
    expect(check.problems.map((problem) => problem.key)).toEqual(['SESSION_PUBLIC_KEY'])
  })
})
