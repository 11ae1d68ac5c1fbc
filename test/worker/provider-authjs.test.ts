import { describe, expect, it } from 'vitest'
import { readConfig } from '../../src/config'
import { InvalidConfigError } from '../../src/errors'
import { BASE, demoEnv, errorCode, fetchWithEnv, providerFixtures, WITHOUT_DEMO_JWT, widgetToken } from './helpers'

/**
 * Auth.js v5 and NextAuth.js v4 sessions: the cookies come from `@auth/core/jwt` and
 * `next-auth/jwt` themselves (test/support/provider-keys.ts), long ones chunked by Auth.js.
 */
const authjs = await providerFixtures('authjs')

const JWT_SETTINGS_OFF = {
  ...WITHOUT_DEMO_JWT,
  SESSION_COOKIE: undefined,
  CONTACT_MAPPING: [
    { to: 'attributes.memberId', claim: 'sub', required: true },
    { to: 'attributes.name', claim: 'name' },
    { to: 'attributes.email', claim: 'email' },
  ],
}
const AUTHJS_ENV = { ...JWT_SETTINGS_OFF, SESSION_PROVIDER: 'authjs', AUTH_SECRET: authjs.secret }
const V4_ENV = { ...JWT_SETTINGS_OFF, SESSION_PROVIDER: 'nextauth-v4', NEXTAUTH_SECRET: authjs.nextAuthSecret }

function withCookie(cookie: string): Request {
  return new Request(`${BASE}/token`, { headers: { Cookie: cookie } })
}

const ADA = { memberId: 'authjs-user-1', name: 'Ada Lovelace', email: 'ada@example.com' }

describe('Auth.js v5', () => {
  it.each([
    ['authjs.session-token', () => `authjs.session-token=${authjs.plain}`],
    ['__Secure-authjs.session-token', () => `__Secure-authjs.session-token=${authjs.secure}`],
    ['a chunked cookie (.0, .1, …)', () => authjs.chunked],
  ])('Should read %s', async (_, cookie) => {
    const response = await fetchWithEnv(withCookie(cookie()), AUTHJS_ENV)
    expect(response.status).toBe(200)
    expect((await widgetToken(response)).claims.attributes).toEqual(ADA)
  })

  it('Should read a session encrypted with the previous secret during a rotation', async () => {
    const rotating = { ...AUTHJS_ENV, AUTH_SECRET: authjs.previousSecret, AUTH_SECRET_1: authjs.secret }
    expect((await fetchWithEnv(withCookie(`authjs.session-token=${authjs.previous}`), rotating)).status).toBe(200)
    expect((await fetchWithEnv(withCookie(`authjs.session-token=${authjs.plain}`), rotating)).status).toBe(200)
    const response = await fetchWithEnv(withCookie(`authjs.session-token=${authjs.previous}`), AUTHJS_ENV)
    expect(await errorCode(response)).toBe('SESSION_INVALID')
  })

  it.each([
    ['an expired session', () => authjs.expired, 'SESSION_EXPIRED'],
    ["another app's secret", () => authjs.otherSecret, 'SESSION_INVALID'],
    ['a session salted for the other cookie name', () => authjs.secure, 'SESSION_INVALID'],
    ['garbage', () => 'not-a-jwe', 'SESSION_INVALID'],
  ])('Should refuse %s with 401', async (_, value, code) => {
    const response = await fetchWithEnv(withCookie(`authjs.session-token=${value()}`), AUTHJS_ENV)
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe(code)
  })

  it('Should treat a visitor without the cookie as signed out', async () => {
    expect(await errorCode(await fetchWithEnv(withCookie('theme=dark'), AUTHJS_ENV))).toBe('SESSION_MISSING')
  })
})

describe('NextAuth.js v4', () => {
  it('Should read next-auth.session-token (A256GCM)', async () => {
    const response = await fetchWithEnv(withCookie(`next-auth.session-token=${authjs.v4}`), V4_ENV)
    expect((await widgetToken(response)).claims.attributes).toEqual(ADA)
  })

  it('Should refuse a v4 cookie read with another secret, and a v5 cookie', async () => {
    const other = { ...V4_ENV, NEXTAUTH_SECRET: authjs.secret }
    expect(await errorCode(await fetchWithEnv(withCookie(`next-auth.session-token=${authjs.v4}`), other))).toBe(
      'SESSION_INVALID',
    )
    expect(await errorCode(await fetchWithEnv(withCookie(`next-auth.session-token=${authjs.plain}`), V4_ENV))).toBe(
      'SESSION_INVALID',
    )
  })
})

describe('Auth.js settings', () => {
  it('Should need its secret, and refuse the JWT settings its sessions do not use', async () => {
    const keys = async (overrides: Record<string, unknown>) => {
      const error = await readConfig({ ...demoEnv(), ...AUTHJS_ENV, ...overrides }).catch((e: unknown) => e)
      return error instanceof InvalidConfigError ? error.keys : []
    }
    expect(await keys({})).toEqual([])
    expect(await keys({ AUTH_SECRET: undefined })).toEqual(['AUTH_SECRET'])
    expect(await keys({ SESSION_JWKS_URL: 'https://login.example.com/jwks.json' })).toEqual(['SESSION_JWKS_URL'])
  })
})
