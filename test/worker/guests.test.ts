import { CompactSign } from 'jose'
import { describe, expect, inject, it } from 'vitest'
import { freshClientIp, inOneWindow, RATE_LIMIT_TEST_MS } from '../support/rate-limit-window'
import { TEST_SESSION_SECRET } from '../support/secrets'
import {
  DEMO_AUDIENCE,
  DEMO_ISSUER,
  errorCode,
  fetchWithEnv,
  sessionCookie,
  tokenRequest,
  widgetToken,
  workerWithEnv,
} from './helpers'
import { GUESTS } from './site-support'

describe('Guests (ANONYMOUS_POLICY = "allow")', () => {
  it('Should give a visitor with no cookie a token with the literal attributes only', async () => {
    const response = await fetchWithEnv(tokenRequest(undefined, { headers: { 'X-Name': 'Mallory' } }), GUESTS)
    const { claims } = await widgetToken(response)
    expect(claims.attributes).toEqual({ authenticated: 'false', channel: 'web' })
  })

  it('Should still refuse a forged or an expired cookie with 401, never a guest token', async () => {
    const forged = await sessionCookie(undefined, undefined, { secret: 'another-secret-another-secret-1234' })
    expect(await errorCode(await fetchWithEnv(tokenRequest(forged), GUESTS))).toBe('SESSION_INVALID')
    const expired = await sessionCookie(undefined, (jwt) => jwt.setExpirationTime(Math.floor(Date.now() / 1000) - 600))
    expect(await errorCode(await fetchWithEnv(tokenRequest(expired), GUESTS))).toBe('SESSION_EXPIRED')
  })
})

describe('Rate limiting with a [[ratelimits]] binding (limit 3 per 60 s in the tests)', () => {
  const limited = { ...GUESTS, RATE_LIMIT_BINDING: 'TEST_RATE_LIMITER' }
  const fromIp = (ip: string) => tokenRequest(undefined, { headers: { 'CF-Connecting-IP': ip } })

  it(
    'Should answer 429 with Retry-After past the limit, per client IP for guests',
    async () => {
      const fetchToken = workerWithEnv(limited)
      const ip = freshClientIp()
      await inOneWindow(async () => {
        const statuses = []
        for (let i = 0; i < 4; i++) statuses.push((await fetchToken(fromIp(ip))).status)
        expect(statuses).toEqual([200, 200, 200, 429])
        const over = await fetchToken(fromIp(ip))
        expect(await errorCode(over)).toBe('RATE_LIMITED')
        expect(over.headers.get('Retry-After')).toBe('60')
        expect((await fetchToken(fromIp(freshClientIp()))).status).toBe(200)
      })
    },
    RATE_LIMIT_TEST_MS,
  )

  it(
    'Should count a numeric subject by its exact digits, whatever the client IP',
    async () => {
      const fetchToken = workerWithEnv(limited)
      const digits = `9007199254740${Math.floor(Math.random() * 900) + 100}` // a subject no other test counts under
      const cookie = await new CompactSign(
        new TextEncoder().encode(
          `{"sub":${digits},"name":"N","iss":"${DEMO_ISSUER}","aud":"${DEMO_AUDIENCE}","exp":${Math.floor(Date.now() / 1000) + 600}}`,
        ),
      )
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(TEST_SESSION_SECRET))
      const statuses = await inOneWindow(async () => {
        const statuses = []
        for (let i = 0; i < 4; i++) {
          const request = tokenRequest(cookie, { headers: { 'CF-Connecting-IP': freshClientIp() } })
          statuses.push((await fetchToken(request)).status)
        }
        return statuses
      })
      expect(statuses).toEqual([200, 200, 200, 429])
    },
    RATE_LIMIT_TEST_MS,
  )

  it(
    'Should count signed-in visitors per session subject',
    async () => {
      const fetchToken = workerWithEnv(limited)
      const cookie = await sessionCookie({ sub: `member-${crypto.randomUUID()}`, name: 'Sam' })
      const statuses = await inOneWindow(async () => {
        const statuses = []
        for (let i = 0; i < 4; i++) statuses.push((await fetchToken(tokenRequest(cookie))).status)
        return statuses
      })
      expect(statuses).toEqual([200, 200, 200, 429])
    },
    RATE_LIMIT_TEST_MS,
  )
})

describe('Turnstile for guests', () => {
  const turnstile = (verify = '/siteverify') => ({
    ...GUESTS,
    TURNSTILE_SECRET: 'test-turnstile-secret',
    TURNSTILE_VERIFY_URL: `${inject('siteBase')}${verify}`,
  })
  const withTurnstile = (response?: string) =>
    tokenRequest(undefined, { headers: response ? { 'CF-Turnstile-Response': response } : {} })

  it('Should give a guest a token once siteverify passes the response', async () => {
    expect((await fetchWithEnv(withTurnstile('pass'), turnstile())).status).toBe(200)
  })

  it.each([
    ['no response', undefined],
    ['a refused response', 'fail'],
  ])('Should answer 403 TURNSTILE_FAILED for %s', async (_, response) => {
    expect(await errorCode(await fetchWithEnv(withTurnstile(response), turnstile()))).toBe('TURNSTILE_FAILED')
  })

  it('Should answer 503 TURNSTILE_UNAVAILABLE when siteverify is down', async () => {
    const response = await fetchWithEnv(withTurnstile('pass'), turnstile('/siteverify-down'))
    expect(await errorCode(response)).toBe('TURNSTILE_UNAVAILABLE')
  })

  it('Should not ask signed-in visitors for Turnstile', async () => {
    expect((await fetchWithEnv(tokenRequest(await sessionCookie()), turnstile())).status).toBe(200)
  })
})
