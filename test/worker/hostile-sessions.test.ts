import { afterEach, describe, expect, it, vi } from 'vitest'
import { cacheScopeOf } from '../../src/cache-scope'
import { readConfig } from '../../src/config'
import { edgeCacheKey } from '../../src/edge-cache'
import { InvalidConfigError } from '../../src/errors'
import { cacheKeyFor } from '../../src/session/introspection'
import { freshClientIp, inOneWindow, RATE_LIMIT_TEST_MS } from '../support/rate-limit-window'
import { TEST_CONNECT_SECRET } from '../support/secrets'
import { BASE, demoEnv, errorCode, fetchWithEnv, providerFixtures, WITHOUT_DEMO_JWT, widgetToken } from './helpers'
import { introspection, meUrl, siteCalls, siteSession } from './site-support'

/**
 * Issue 15, from the attacker's side: what an outsider can send (many copies, odd sizes and
 * characters) and what a failing site can answer never costs the site more than the limits
 * allow, never reaches a 5xx it did not earn, and never names a key it should not.
 */
const withCookie = (cookie: string, headers: Record<string, string> = {}) =>
  new Request(`${BASE}/token`, { headers: { Cookie: cookie, ...headers } })
const randomCookie = () => `s%3A${crypto.randomUUID()}.x`
const kv = { SESSION_SOURCE: 'kv', SESSION_KV_BINDING: 'TEST_SESSIONS', ...WITHOUT_DEMO_JWT }

afterEach(() => {
  vi.restoreAllMocks()
})

async function problemKeys(overrides: Record<string, unknown>): Promise<string[]> {
  const error = await readConfig({ ...demoEnv(), ...overrides }).catch((caught: unknown) => caught)
  return error instanceof InvalidConfigError ? error.keys : []
}

describe('Finding 2: a KV cookie names only a session', () => {
  it('Should need a prefix or a signed cookie, saying why', async () => {
    const base = { ...kv, SESSION_CLOCK_TOLERANCE_SECONDS: undefined }
    expect(await problemKeys(base)).toEqual(['SESSION_KV_PREFIX'])
    expect(await problemKeys({ ...base, SESSION_KV_PREFIX: 'sess:' })).toEqual([])
    expect(await problemKeys({ ...base, SESSION_COOKIE_SIGNATURE: 'express-session' })).toEqual([])
  })

  it.each(['user:42', '../profiles/42', 'short', 'x'.repeat(300)])(
    'Should refuse %j before any lookup',
    async (cookie) => {
      const config = { ...kv, SESSION_KV_PREFIX: 'sess:', SESSION_CLOCK_TOLERANCE_SECONDS: undefined }
      const response = await fetchWithEnv(withCookie(`session=${encodeURIComponent(cookie)}`), config)
      expect(response.status).toBe(401)
      expect(await errorCode(response)).toBe('SESSION_INVALID')
    },
  )
})

describe('Finding 7: introspection cannot be amplified', () => {
  it('Should refuse more than two copies without calling the site', async () => {
    const url = meUrl()
    const cookies = Array.from({ length: 4 }, () => `connect.sid=${randomCookie()}`).join('; ')
    expect(await errorCode(await fetchWithEnv(withCookie(cookies), introspection(url)))).toBe('SESSION_INVALID')
    expect(await siteCalls(url)).toBe(0)
  })

  it(
    'Should count the client against the rate limit before calling the site',
    async () => {
      const url = meUrl()
      const config = introspection(url, { RATE_LIMIT_BINDING: 'TEST_RATE_LIMITER' })
      const ip = { 'CF-Connecting-IP': freshClientIp() }
      const statuses = await inOneWindow(async () => {
        const statuses: number[] = []
        for (let i = 0; i < 6; i++) {
          const cookies = `connect.sid=${randomCookie()}; connect.sid=${randomCookie()}`
          statuses.push((await fetchWithEnv(withCookie(cookies, ip), config)).status)
        }
        return statuses
      })
      // The binding allows 3 a minute (vitest.config.ts): 3 requests of 2 calls, then 429s that cost nothing.
      expect(statuses).toEqual([401, 401, 401, 429, 429, 429])
      expect(await siteCalls(url)).toBe(6)
    },
    RATE_LIMIT_TEST_MS,
  )

  it('Should refuse an oversized cookie without forwarding it', async () => {
    const url = meUrl()
    const response = await fetchWithEnv(withCookie(`connect.sid=s%3A${'x'.repeat(12_000)}`), introspection(url))
    expect(await errorCode(response)).toBe('SESSION_INVALID')
    expect(await siteCalls(url)).toBe(0)
  })
})

describe('Finding 8: bad input and failing sites', () => {
  it('Should answer 503 with Retry-After when the site stalls mid-body', async () => {
    const config = introspection(meUrl('/modes/stall/me'), { SESSION_INTROSPECTION_TIMEOUT_MS: 300 })
    const response = await fetchWithEnv(withCookie(`connect.sid=${await siteSession('sal')}`), config)
    expect(response.status).toBe(503)
    expect(await errorCode(response)).toBe('SESSION_UNAVAILABLE')
    expect(response.headers.get('Retry-After')).toBe('5')
  })

  it('Should refuse a cookie with a control character before forwarding it', async () => {
    const url = meUrl()
    const response = await fetchWithEnv(withCookie('connect.sid=s%3Aabc\x01def.sig'), introspection(url))
    expect(response.status).toBe(401)
    expect(await siteCalls(url)).toBe(0)
  })

  it('Should take a 400 from the site as an invalid session, logged without an error', async () => {
    const errors = vi.spyOn(console, 'error')
    const config = introspection(meUrl('/modes/bad-request/me'))
    const response = await fetchWithEnv(withCookie(`connect.sid=${await siteSession('bea')}`), config)
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe('SESSION_INVALID')
    expect(errors).not.toHaveBeenCalled()
  })
})

describe('Finding 9: sessions as large as the providers write them', () => {
  it('Should read a Supabase session of three cookies (a 4,673-character access token)', async () => {
    const supabase = await providerFixtures('supabase')
    const parts = supabase.large.split('; ')
    expect(parts.map((part) => part.slice(0, part.indexOf('=')))).toEqual(
      [0, 1, 2].map((index) => `sb-${supabase.projectRef}-auth-token.${index}`),
    )
    const response = await fetchWithEnv(withCookie(supabase.large), {
      SESSION_PROVIDER: 'supabase',
      SUPABASE_PROJECT_REF: supabase.projectRef,
      SESSION_JWKS_URL: supabase.jwksUrl,
      ...WITHOUT_DEMO_JWT,
      SESSION_SECRET: undefined,
      CONTACT_MAPPING: [{ to: 'attributes.memberId', claim: 'sub', required: true }],
    })
    expect((await widgetToken(response)).claims.attributes).toEqual({ memberId: 'supabase-user-1' })
  })
})

describe('Finding 10: shared names', () => {
  it('Should ignore an answer planted under the name a stranger can compute', async () => {
    const url = meUrl()
    const cookie = await siteSession('pat')
    // The name without the deployment's scope: what another Worker on the zone could write to.
    const unscoped = await edgeCacheKey('introspection', `${new URL(url).href}\nconnect.sid=${cookie}`, '')
    const forged = { identity: { kind: 'visitor', claims: { sub: 'member-admin', name: 'Admin' } }, expiresAt: 9e12 }
    await caches.default.put(
      unscoped,
      new Response(JSON.stringify(forged), { headers: { 'Cache-Control': 'max-age=60' } }),
    )
    const response = await fetchWithEnv(withCookie(`connect.sid=${cookie}`), introspection(url))
    expect((await widgetToken(response)).claims.attributes).toMatchObject({ memberId: 'member-pat' })
    const scope = await cacheScopeOf([TEST_CONNECT_SECRET])
    expect(await cacheKeyFor(new URL(url), `connect.sid=${cookie}`, scope)).not.toBe(unscoped)
  })

  it.each([
    ['https://*.amazonaws.com'],
    ['https://*.s3.amazonaws.com'],
    ['https://*.execute-api.eu-west-1.amazonaws.com'],
    ['https://*.r2.dev'],
    ['https://*.ngrok-free.app'],
    ['https://*.trycloudflare.com'],
  ])('Should refuse the wildcard %s over shared hosting', async (origin) => {
    expect(await problemKeys({ ALLOWED_ORIGINS: [origin] })).toEqual(['ALLOWED_ORIGINS[0]'])
  })

  it.each([['/t/'], ['/a//b'], ['/a/./b'], ['/a/../token']])(
    'Should refuse TOKEN_PATH %j, which is not written one way',
    async (path) => {
      expect(await problemKeys({ TOKEN_PATH: path })).toEqual(['TOKEN_PATH'])
    },
  )

  it('Should refuse two widgets on /t and /t/', async () => {
    const widget = (name: string, path: string) => ({
      NAME: name,
      TOKEN_PATH: path,
      WIDGET_ID: `${name}-id`,
      SECRET: `CONNECT_SECRET_${name.toUpperCase()}`,
    })
    const keys = await problemKeys({
      WIDGET_ID: undefined,
      TOKEN_PATH: undefined,
      WIDGETS: [widget('a', '/t'), widget('b', '/t/')],
      CONNECT_SECRET_A: TEST_CONNECT_SECRET,
      CONNECT_SECRET_B: TEST_CONNECT_SECRET.replace('0', '1'),
    })
    expect(keys).toEqual(['WIDGETS[b].TOKEN_PATH'])
  })
})
