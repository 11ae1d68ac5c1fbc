import { describe, expect, it } from 'vitest'
import { readConfig } from '../../src/config'
import { InvalidConfigError } from '../../src/errors'
import { clerkCookieSuffix } from '../../src/session/providers/clerk'
import { BASE, demoEnv, errorCode, fetchWithEnv, providerFixtures, WITHOUT_DEMO_JWT, widgetToken } from './helpers'

/** Clerk sessions: tokens from `@clerk/backend`'s `signJwt` (test/support/provider-keys.ts). */
const clerk = await providerFixtures('clerk')

const CLERK_ENV = {
  SESSION_PROVIDER: 'clerk',
  CLERK_PUBLISHABLE_KEY: clerk.publishableKey,
  CLERK_AUTHORIZED_PARTIES: [clerk.site],
  SESSION_JWKS_URL: clerk.jwksUrl,
  ...WITHOUT_DEMO_JWT,
  CONTACT_MAPPING: [{ to: 'attributes.memberId', claim: 'sub', required: true }],
}

function withCookies(session: string | undefined, clientUat: string | undefined, suffix = ''): Request {
  const pairs = []
  if (session !== undefined) pairs.push(`__session${suffix}=${session}`)
  if (clientUat !== undefined) pairs.push(`__client_uat${suffix}=${clientUat}`)
  return new Request(`${BASE}/token`, { headers: { Cookie: pairs.join('; ') } })
}

const uatBefore = () => String(clerk.now - 30)

describe('Clerk (__session and __client_uat)', () => {
  it('Should read a session whose client was last updated before it was issued', async () => {
    const response = await fetchWithEnv(withCookies(clerk.valid, uatBefore()), CLERK_ENV)
    expect((await widgetToken(response)).claims.attributes).toEqual({ memberId: 'user_2abc' })
  })

  it("Should read the cookies suffixed with the publishable key's hash", async () => {
    const suffix = `_${await clerkCookieSuffix(clerk.publishableKey)}`
    expect(suffix).toMatch(/^_[A-Za-z0-9_-]{8}$/)
    expect((await fetchWithEnv(withCookies(clerk.valid, uatBefore(), suffix), CLERK_ENV)).status).toBe(200)
  })

  it.each([
    ['__client_uat = 0', () => withCookies(clerk.valid, '0')],
    ['no __client_uat', () => withCookies(clerk.valid, undefined)],
    ['no __session', () => withCookies(undefined, uatBefore())],
  ])('Should treat %s as signed out', async (_, request) => {
    expect(await errorCode(await fetchWithEnv(request(), CLERK_ENV))).toBe('SESSION_MISSING')
  })

  it.each([
    [
      'a token older than the client (signed out or switched since)',
      () => withCookies(clerk.valid, String(clerk.now + 60)),
      'SESSION_EXPIRED',
    ],
    ['an expired token', () => withCookies(clerk.expired, uatBefore()), 'SESSION_EXPIRED'],
    ['a token for another authorized party', () => withCookies(clerk.otherParty, uatBefore()), 'SESSION_INVALID'],
  ])('Should refuse %s with 401', async (_, request, code) => {
    const response = await fetchWithEnv(request(), CLERK_ENV)
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe(code)
  })

  it('Should need a publishable key and the authorized parties', async () => {
    const keys = async (overrides: Record<string, unknown>) => {
      const error = await readConfig({ ...demoEnv(), ...CLERK_ENV, ...overrides }).catch((e: unknown) => e)
      return error instanceof InvalidConfigError ? error.keys : []
    }
    expect(await keys({ CLERK_PUBLISHABLE_KEY: 'sk_test_abc' })).toEqual(['CLERK_PUBLISHABLE_KEY'])
    expect(await keys({ CLERK_AUTHORIZED_PARTIES: undefined })).toEqual(['CLERK_AUTHORIZED_PARTIES'])
  })
})
