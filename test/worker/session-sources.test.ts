import { env } from 'cloudflare:test'
import { CompactSign } from 'jose'
import { describe, expect, inject, it } from 'vitest'
import { readConfig } from '../../src/config'
import { InvalidConfigError } from '../../src/errors'
import { cacheKeyFor } from '../../src/session/introspection'
import { TEST_SESSION_SECRET } from '../support/secrets'
import {
  DEMO_AUDIENCE,
  DEMO_ISSUER,
  demoEnv,
  errorCode,
  fetchWithEnv,
  sessionCookie,
  tokenRequest,
  WITHOUT_DEMO_JWT,
  widgetToken,
  workerWithEnv,
} from './helpers'

/** The site's "who is this?" URL with a query of this test's own: its calls are counted apart. */
function meUrl(path = '/api/me'): string {
  return `${inject('siteBase')}${path}?test=${crypto.randomUUID()}`
}

async function siteCalls(url: string): Promise<number> {
  const path = url.slice(inject('siteBase').length)
  const answer = await fetch(`${inject('siteBase')}/calls?url=${encodeURIComponent(path)}`)
  return ((await answer.json()) as { calls: number }).calls
}

/** Signs in on the Express site: its `connect.sid` cookie value, as the browser would keep it. */
async function siteSession(name: string): Promise<string> {
  const answer = await fetch(`${inject('siteBase')}/login/${name}`)
  return (answer.headers.get('Set-Cookie') ?? '').split(';')[0].slice('connect.sid='.length)
}

function introspection(url: string, extra: Record<string, unknown> = {}) {
  return {
    SESSION_SOURCE: 'introspection',
    SESSION_COOKIE: 'connect.sid',
    SESSION_INTROSPECTION_URL: url,
    ...WITHOUT_DEMO_JWT,
    SESSION_CLOCK_TOLERANCE_SECONDS: undefined,
    ...extra,
  }
}

function withSiteCookie(cookie: string, headers: Record<string, string> = {}): Request {
  return tokenRequest(undefined, { headers: { Cookie: `theme=dark; connect.sid=${cookie}; other=1`, ...headers } })
}

const GUESTS = {
  ANONYMOUS_POLICY: 'allow',
  ANONYMOUS_MAPPING: [
    { to: 'attributes.authenticated', value: 'false' },
    { to: 'attributes.channel', value: 'web' },
  ],
}

describe('Introspection: an opaque session the site answers for', () => {
  it('Should map the site answer, then serve the same cookie from the edge cache without a call', async () => {
    const url = meUrl()
    const fetchToken = workerWithEnv(introspection(url))
    const cookie = await siteSession('ann')
    const first = await fetchToken(withSiteCookie(cookie))
    expect(first.status).toBe(200)
    expect((await widgetToken(first)).claims.attributes).toMatchObject({ memberId: 'member-ann', name: 'ann' })
    expect(await siteCalls(url)).toBe(1)
    const second = await fetchToken(withSiteCookie(cookie))
    expect(second.status).toBe(200)
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

  it('Should key the edge cache by a SHA-256 of URL and cookie, never the cookie itself', async () => {
    const key = await cacheKeyFor(new URL('https://www.example.com/api/me'), 'connect.sid=s:secret-session-id.sig')
    expect(key).toMatch(/^https:\/\/introspection\.connect-widget-token\.invalid\/[0-9a-f]{64}$/)
    expect(key).not.toContain('secret-session-id')
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

const SITE_SECRET = 'TEST-ONLY-express-session-secret-0123456789'

describe('Workers KV sessions', () => {
  const kv = { SESSION_SOURCE: 'kv', SESSION_KV_BINDING: 'TEST_SESSIONS', SESSION_KV_PREFIX: 'sess:' }
  const jwtOff = { ...WITHOUT_DEMO_JWT, SESSION_CLOCK_TOLERANCE_SECONDS: undefined }
  const namespace = () => (env as unknown as { TEST_SESSIONS: KVNamespace }).TEST_SESSIONS

  it('Should read the record under the prefix and map it like claims', async () => {
    await namespace().put('sess:abc123', JSON.stringify({ sub: 'member-kv', name: 'Kay' }))
    const response = await fetchWithEnv(tokenRequest('abc123'), { ...kv, ...jwtOff })
    expect((await widgetToken(response)).claims.attributes).toMatchObject({ memberId: 'member-kv', name: 'Kay' })
  })

  it('Should treat a missing record as nobody signed in, and a broken one as unavailable', async () => {
    expect(await errorCode(await fetchWithEnv(tokenRequest('nope'), { ...kv, ...jwtOff }))).toBe('SESSION_MISSING')
    await namespace().put('sess:broken', '{not json')
    expect(await errorCode(await fetchWithEnv(tokenRequest('broken'), { ...kv, ...jwtOff }))).toBe(
      'SESSION_UNAVAILABLE',
    )
  })
})

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

  it('Should answer 429 with Retry-After past the limit, per client IP for guests', async () => {
    const fetchToken = workerWithEnv(limited)
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await fetchToken(fromIp(ip))).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    const over = await fetchToken(fromIp(ip))
    expect(await errorCode(over)).toBe('RATE_LIMITED')
    expect(over.headers.get('Retry-After')).toBe('60')
    expect((await fetchToken(fromIp(`203.0.113.${Math.floor(Math.random() * 250)}`))).status).toBe(200)
  })

  it('Should count a numeric subject by its exact digits, whatever the client IP', async () => {
    const fetchToken = workerWithEnv(limited)
    const digits = `9007199254740${Math.floor(Math.random() * 900) + 100}`
    const cookie = await new CompactSign(
      new TextEncoder().encode(
        `{"sub":${digits},"name":"N","iss":"${DEMO_ISSUER}","aud":"${DEMO_AUDIENCE}","exp":${Math.floor(Date.now() / 1000) + 600}}`,
      ),
    )
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(TEST_SESSION_SECRET))
    const statuses = []
    for (let i = 0; i < 4; i++) {
      const request = tokenRequest(cookie, { headers: { 'CF-Connecting-IP': `192.0.2.${i}` } })
      statuses.push((await fetchToken(request)).status)
    }
    expect(statuses).toEqual([200, 200, 200, 429])
  })

  it('Should count signed-in visitors per session subject', async () => {
    const fetchToken = workerWithEnv(limited)
    const cookie = await sessionCookie({ sub: `member-${crypto.randomUUID()}`, name: 'Sam' })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await fetchToken(tokenRequest(cookie))).status)
    expect(statuses).toEqual([200, 200, 200, 429])
  })
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

describe('Source and guard settings, checked like every other', () => {
  async function keys(overrides: Record<string, unknown>) {
    const error = await readConfig({ ...demoEnv(), ...overrides }).catch((caught: unknown) => caught)
    return error instanceof InvalidConfigError ? error.keys.sort() : []
  }

  it.each([
    [{ SESSION_SOURCE: 'cookie' }, ['SESSION_SOURCE']],
    [introspection('http://site.example.com/me'), ['SESSION_INTROSPECTION_URL']],
    [introspection('https://site.example.com/me', { SESSION_ISSUER: 'x' }), ['SESSION_ISSUER']],
    [
      { ...introspection('https://x.example'), SESSION_SOURCE: 'kv', SESSION_KV_BINDING: 'NOPE' },
      ['SESSION_INTROSPECTION_URL', 'SESSION_KV_BINDING'],
    ],
    [{ SESSION_KV_PREFIX: 'sess:' }, ['SESSION_KV_PREFIX']],
    [{ ...GUESTS, ANONYMOUS_MAPPING: [{ to: 'attributes.name', claim: 'name' }] }, ['ANONYMOUS_MAPPING[0]']],
    [{ ANONYMOUS_MAPPING: GUESTS.ANONYMOUS_MAPPING }, ['ANONYMOUS_MAPPING']],
    [{ ANONYMOUS_POLICY: 'maybe' }, ['ANONYMOUS_POLICY']],
    [{ RATE_LIMIT_BINDING: 'NOT_BOUND' }, ['RATE_LIMIT_BINDING']],
    [
      { SESSION_COOKIE_SIGNATURE: 'rails', ...introspection('https://site.example.com/me') },
      ['SESSION_COOKIE_SIGNATURE'],
    ],
  ])('Should refuse %j', async (overrides, expected) => {
    expect(await keys(overrides)).toEqual(expected)
  })
})
