import { describe, expect, it } from 'vitest'
import { readConfig } from '../../src/config'
import type { InvalidConfigError } from '../../src/errors'
import { BASE, demoEnv, errorCode, fetchWithEnv, providerFixtures, WITHOUT_DEMO_JWT, widgetToken } from './helpers'

/** Supabase sessions: the cookies come from `@supabase/ssr` itself (test/support/provider-keys.ts). */
const supabase = await providerFixtures('supabase')

const SUPABASE_ENV = {
  SESSION_PROVIDER: 'supabase',
  SUPABASE_PROJECT_REF: supabase.projectRef,
  SESSION_JWKS_URL: supabase.jwksUrl,
  ...WITHOUT_DEMO_JWT,
  SESSION_SECRET: undefined,
  CONTACT_MAPPING: [
    { to: 'attributes.memberId', claim: 'sub', required: true },
    { to: 'attributes.email', claim: 'email' },
  ],
}
const LEGACY_ENV = { ...SUPABASE_ENV, SESSION_JWKS_URL: undefined, SUPABASE_JWT_SECRET: supabase.legacySecret }

const withCookies = (header: string) => new Request(`${BASE}/token`, { headers: { Cookie: header } })
const SAM = { memberId: 'supabase-user-1', email: 'sam@example.com' }

describe('Supabase (@supabase/ssr cookies)', () => {
  it.each([
    ['a single cookie', () => supabase.single],
    ['a chunked cookie (.0, .1, …)', () => supabase.chunked],
  ])('Should read %s, ES256 against the project JWKS', async (_, header) => {
    expect(header()).toContain(`sb-${supabase.projectRef}-auth-token`)
    const response = await fetchWithEnv(withCookies(header()), SUPABASE_ENV)
    expect((await widgetToken(response)).claims.attributes).toEqual(SAM)
  })

  it('Should read an HS256 session with the legacy JWT secret', async () => {
    const response = await fetchWithEnv(withCookies(supabase.legacy), LEGACY_ENV)
    expect((await widgetToken(response)).claims.attributes).toEqual(SAM)
  })

  it.each([
    [
      'the anon role (the public anon key is signed by the legacy secret too)',
      () => supabase.anonRole,
      LEGACY_ENV,
      'SESSION_INVALID',
    ],
    ['an expired session', () => supabase.expired, SUPABASE_ENV, 'SESSION_EXPIRED'],
    [
      'a session of another project',
      () => supabase.single,
      { ...SUPABASE_ENV, SUPABASE_PROJECT_REF: 'zyxwvutsrqponmlkjihg' },
      'SESSION_MISSING',
    ],
    [
      'a session checked against another issuer',
      () => supabase.single,
      { ...SUPABASE_ENV, SESSION_ISSUER: 'https://other.supabase.co/auth/v1' },
      'SESSION_INVALID',
    ],
  ])('Should refuse %s', async (_, header, env, code) => {
    const response = await fetchWithEnv(withCookies(header()), env)
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe(code)
  })

  it('Should treat an anonymous Supabase user as a guest', async () => {
    expect(await errorCode(await fetchWithEnv(withCookies(supabase.anonymousUser), SUPABASE_ENV))).toBe(
      'SESSION_MISSING',
    )
    const guests = {
      ...SUPABASE_ENV,
      ANONYMOUS_POLICY: 'allow',
      ANONYMOUS_MAPPING: [{ to: 'attributes.guest', value: 'yes' }],
    }
    const response = await fetchWithEnv(withCookies(supabase.anonymousUser), guests)
    expect((await widgetToken(response)).claims.attributes).toEqual({ guest: 'yes' })
  })

  it('Should refuse a project ref that is not one', async () => {
    const error = await readConfig({ ...demoEnv(), ...SUPABASE_ENV, SUPABASE_PROJECT_REF: 'my-project' }).catch(
      (e: unknown) => e,
    )
    expect((error as InvalidConfigError).keys).toEqual(['SUPABASE_PROJECT_REF'])
  })
})
