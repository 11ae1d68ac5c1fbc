import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { type Env, readConfig, secretsUsed, secretValueProblem, unusedSecrets } from '../../src/config'
import { InvalidConfigError } from '../../src/errors'
import { TEST_CONNECT_SECRET } from '../support/secrets'
import { errorCode, sessionCookie, tokenRequest, workerWithEnv } from './helpers'

const demoEnv = env as unknown as Env

const WIDGETS = [{ NAME: 'support', TOKEN_PATH: '/token', WIDGET_ID: 'support-1', SECRET: 'CONNECT_SECRET_SUPPORT' }]

async function problemKeys(overrides: Record<string, unknown>): Promise<string[]> {
  const error = await readConfig({ ...demoEnv, ...overrides }).catch((caught: unknown) => caught)
  return error instanceof InvalidConfigError ? error.problems.map((problem) => problem.key) : []
}

describe('Secrets left from another configuration', () => {
  it.each([
    ['a removed widget’s key', { CONNECT_SECRET_SUPPORT: TEST_CONNECT_SECRET }, ['CONNECT_SECRET_SUPPORT']],
    [
      'TURNSTILE_SECRET with guests denied',
      { TURNSTILE_SECRET: '1x0000000000000000000000000000000AA' },
      ['TURNSTILE_SECRET'],
    ],
    [
      'SESSION_SECRET once sessions use a JWKS',
      { SESSION_ALGORITHMS: ['RS256'], SESSION_JWKS_URL: 'https://login.example.com/jwks.json' },
      ['SESSION_SECRET'],
    ],
    ['AUTH_SECRET without Auth.js', { AUTH_SECRET: 'left-from-an-authjs-configuration' }, ['AUTH_SECRET']],
  ])('Should ignore %s instead of refusing the configuration', async (_, overrides, unused) => {
    expect(unusedSecrets({ ...demoEnv, ...overrides })).toEqual(unused)
    expect(await problemKeys(overrides)).toEqual([])
  })

  it('Should still serve tokens with a leftover secret', async () => {
    const fetchWorker = workerWithEnv({ CONNECT_SECRET_SUPPORT: TEST_CONNECT_SECRET })
    const response = await fetchWorker(tokenRequest(await sessionCookie()))
    expect(response.status).toBe(200)
  })

  it('Should still refuse a misspelt var and a missing secret', async () => {
    expect(await problemKeys({ SESSION_ISUER: 'https://login.example.com' })).toEqual(['SESSION_ISUER'])
    expect(await problemKeys({ WIDGET_ID: undefined, TOKEN_PATH: undefined, WIDGETS })).toEqual([
      'CONNECT_SECRET_SUPPORT',
    ])
    const fetchWorker = workerWithEnv({ CONNECT_SECRET: undefined })
    expect(await errorCode(await fetchWorker(tokenRequest(await sessionCookie())))).toBe('CONFIG_INVALID')
  })

  it('Should count as used the secrets a configuration reads when present', () => {
    expect(secretsUsed({ SESSION_PROVIDER: 'authjs' })).toEqual({
      needed: ['CONNECT_SECRET', 'AUTH_SECRET'],
      optional: ['AUTH_SECRET_1', 'AUTH_SECRET_2', 'AUTH_SECRET_3'],
    })
    expect(secretsUsed({ WIDGETS: [{ ...WIDGETS[0], ANONYMOUS_POLICY: 'allow' }] }).optional).toEqual([
      'TURNSTILE_SECRET',
    ])
    expect(unusedSecrets({ ...demoEnv, SESSION_PROVIDER: 'supabase', SUPABASE_JWT_SECRET: 's' })).toEqual([
      'SESSION_SECRET',
    ])
  })
})

describe('A secret value before it is uploaded', () => {
  it('Should accept a widget key of exactly 44 characters, for CONNECT_SECRET and a widget’s own name', () => {
    expect(secretValueProblem('CONNECT_SECRET', TEST_CONNECT_SECRET, {})).toBeUndefined()
    expect(secretValueProblem('CONNECT_SECRET_SUPPORT', TEST_CONNECT_SECRET, { WIDGETS })).toBeUndefined()
  })

  it('Should refuse a widget key of another length, an empty value and a padded one', () => {
    expect(secretValueProblem('CONNECT_SECRET', 'short', {})).toMatch(/44-character security key .* got 5/)
    expect(secretValueProblem('CONNECT_SECRET_SUPPORT', 'short', { WIDGETS })).toMatch(/got 5 characters/)
    expect(secretValueProblem('SESSION_SECRET', '', {})).toMatch(/is empty/)
    expect(secretValueProblem('SESSION_SECRET', ' padded', {})).toMatch(/white space/)
  })
})
