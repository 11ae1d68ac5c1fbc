import { describe, expect, inject, it } from 'vitest'
import { cacheScopeOf } from '../../src/cache-scope'
import { cacheKeyFor } from '../../src/session/introspection'
import { TEST_CONNECT_SECRET } from '../support/secrets'
import { errorCode, fetchWithEnv, widgetToken, workerWithEnv } from './helpers'
import { GUESTS, introspection, meUrl, SITE_SECRET, siteCalls, siteSession, withSiteCookie } from './site-support'

describe('Introspection: an opaque session the site answers for', () => {
  it('Should map the site answer, then serve the same cookie from the edge cache without a call', async () => {
    const url = meUrl()
    const cookie = await siteSession('ann')
    const first = await workerWithEnv(introspection(url))(withSiteCookie(cookie))
    expect(first.status).toBe(200)
    expect((await widgetToken(first)).claims.attributes).toMatchObject({ memberId: 'member-ann', name: 'ann' })
    expect(await siteCalls(url)).toBe(1)
    // Another isolate of the location (a fresh app, nothing remembered) finds the answer at the edge.
    const second = await workerWithEnv(introspection(url))(withSiteCookie(cookie))
    expect(second.status).toBe(200)
    expect(await siteCalls(url)).toBe(1)
  })

  it('Should remember an answer in the isolate, so the next token skips the edge cache too', async () => {
    const url = meUrl()
    const fetchToken = workerWithEnv(introspection(url))
    const cookie = await siteSession('amy')
    expect((await fetchToken(withSiteCookie(cookie))).status).toBe(200)
    const scope = await cacheScopeOf([TEST_CONNECT_SECRET])
    await caches.default.delete(await cacheKeyFor(new URL(url), `connect.sid=${cookie}`, scope))
    expect((await fetchToken(withSiteCookie(cookie))).status).toBe(200)
    expect(await siteCalls(url)).toBe(1)
  })

  it('Should forward only the session cookie, and never pass on or keep the site Set-Cookie', async () => {
    const url = meUrl()
    const cookie = await siteSession('bob')
    const response = await fetchWithEnv(withSiteCookie(cookie), introspection(url))
    expect(response.headers.get('Set-Cookie')).toBeNull()
    const path = url.slice(inject('siteBase').length)
    const received = await (await fetch(`${inject('siteBase')}/received-cookie?url=${encodeURIComponent(path)}`)).json()
    expect(received).toEqual({ cookie: `connect.sid=${cookie}` })
  })

  it('Should key the edge cache by a SHA-256 of scope, URL and cookie, never the cookie itself', async () => {
    const url = new URL('https://www.example.com/api/me')
    const key = await cacheKeyFor(url, 'connect.sid=s:secret-session-id.sig', 'scope-a')
    expect(key).toMatch(/^https:\/\/introspection\.connect-widget-token\.invalid\/[0-9a-f]{64}$/)
    expect(key).not.toContain('secret-session-id')
    expect(await cacheKeyFor(url, 'connect.sid=s:secret-session-id.sig', 'scope-b')).not.toBe(key)
  })

  it('Should make one call for concurrent requests with the same new cookie', async () => {
    const url = meUrl()
    const fetchToken = workerWithEnv(introspection(url))
    const cookie = await siteSession('cat')
    const answers = await Promise.all(Array.from({ length: 5 }, () => fetchToken(withSiteCookie(cookie))))
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200])
    expect(await siteCalls(url)).toBe(1)
  })

  it('Should treat 401 from the site as signed out: 401 by default, a guest token when allowed', async () => {
    const url = meUrl()
    expect(await errorCode(await fetchWithEnv(withSiteCookie('s%3Aunknown.sig'), introspection(url)))).toBe(
      'SESSION_MISSING',
    )
    const guest = await fetchWithEnv(withSiteCookie('s%3Aother.sig'), introspection(meUrl(), GUESTS))
    expect((await widgetToken(guest)).claims.attributes).toEqual({ authenticated: 'false', channel: 'web' })
  })

  it.each([
    ['/modes/error/me', 'introspection: http_500'],
    ['/modes/redirect/me', 'introspection: http_302'],
    ['/modes/html/me', 'introspection: not_json'],
    ['/modes/array/me', 'introspection: not_a_json_object'],
    ['/modes/huge/me', 'introspection: answer_too_large'],
    ['/modes/slow/me', 'introspection: timeout_after_200ms'],
  ])('Should answer %s with 503 SESSION_UNAVAILABLE and Retry-After, never a token', async (path, reason) => {
    const response = await fetchWithEnv(
      withSiteCookie('anything'),
      introspection(meUrl(path), { SESSION_INTROSPECTION_TIMEOUT_MS: 200, ...GUESTS }),
    )
    expect(response.status).toBe(503)
    expect(await errorCode(response)).toBe('SESSION_UNAVAILABLE')
    expect(response.headers.get('Retry-After')).toBe('5')
    expect(reason).toMatch(/^introspection: /)
  })

  it('Should check an express-session signature first: a forged cookie costs no call', async () => {
    const url = meUrl()
    const signed = introspection(url, { SESSION_COOKIE_SIGNATURE: 'express-session', SESSION_SECRET: SITE_SECRET })
    const cookie = await siteSession('dan')
    expect((await fetchWithEnv(withSiteCookie(cookie), signed)).status).toBe(200)
    const forged = cookie.replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
    expect(await errorCode(await fetchWithEnv(withSiteCookie(forged), { ...signed, ...GUESTS }))).toBe(
      'SESSION_INVALID',
    )
    expect(await siteCalls(url)).toBe(1)
  })
})
