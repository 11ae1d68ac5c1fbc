import { jwtVerify } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { TEST_CONNECT_SECRET } from '../support/secrets'
import { errorCode, fetchWorker, JANE, sessionCookie, tokenRequest, widgetToken, workerWithEnv } from './helpers'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('GET /token with a valid session', () => {
  it('Should answer { data: <widget token> } signed HS256 with the widget key', async () => {
    const response = await fetchWorker(tokenRequest(await sessionCookie()))
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/)
    const { token, header, claims } = await widgetToken(response)
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' })
    const verified = await jwtVerify(token, new TextEncoder().encode(TEST_CONNECT_SECRET), {
      algorithms: ['HS256'],
    })
    expect(verified.payload).toEqual(claims)
  })

  it('Should carry sub = widget id, iat, exp 300 s later and the mapped attributes', async () => {
    const before = Math.floor(Date.now() / 1000)
    const { claims } = await widgetToken(await fetchWorker(tokenRequest(await sessionCookie())))
    expect(Object.keys(claims)).toEqual(['sub', 'iat', 'exp', 'attributes'])
    expect(claims.sub).toBe('demo-widget-id')
    expect(claims.iat).toBeGreaterThanOrEqual(before)
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300)
    expect(claims.attributes).toEqual({
      memberId: JANE.sub,
      name: JANE.name,
      email: JANE.email,
      tier: 'gold',
      channel: 'web',
    })
  })

  it('Should fill defaults and leave out absent optional claims', async () => {
    const cookie = await sessionCookie({ sub: 'member-1', name: 'Sam' })
    const { claims } = await widgetToken(await fetchWorker(tokenRequest(cookie)))
    expect(claims.attributes).toEqual({ memberId: 'member-1', name: 'Sam', tier: 'standard', channel: 'web' })
  })

  it('Should forbid caching of the token', async () => {
    const response = await fetchWorker(tokenRequest(await sessionCookie()))
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    expect(response.headers.get('Vary')).toBe('Origin')
  })

  it('Should read the session cookie among other cookies', async () => {
    const cookie = await sessionCookie()
    const request = tokenRequest(undefined, { headers: { Cookie: `theme=dark; session=${cookie}; lang=en` } })
    expect((await fetchWorker(request)).status).toBe(200)
  })
})

describe('GET /token when the session lacks what the mapping requires', () => {
  it('Should answer 403 SESSION_CLAIM_MISSING when a required claim is absent', async () => {
    const response = await fetchWorker(tokenRequest(await sessionCookie({ sub: 'member-1' })))
    expect(response.status).toBe(403)
    expect(await errorCode(response)).toBe('SESSION_CLAIM_MISSING')
  })

  it('Should answer 403 SESSION_CLAIM_INVALID when a required claim is an object', async () => {
    const response = await fetchWorker(tokenRequest(await sessionCookie({ sub: 'member-1', name: { first: 'A' } })))
    expect(response.status).toBe(403)
    expect(await errorCode(response)).toBe('SESSION_CLAIM_INVALID')
  })

  // Issue 14, finding 9: a typo in an optional entry's claim left the email out without a word.
  it("Should name an optional field whose claim the session lacks in the log line's absent", async () => {
    const info = vi.spyOn(console, 'info')
    const mapping = [
      { to: 'attributes.memberId', claim: 'sub', required: true },
      { to: 'attributes.email', claim: 'emial' },
    ]
    const response = await workerWithEnv({ CONTACT_MAPPING: mapping })(tokenRequest(await sessionCookie()))
    expect((await widgetToken(response)).claims.attributes).toEqual({ memberId: JANE.sub })
    const line = JSON.parse(String(info.mock.calls.at(-1)?.[0]))
    expect(line).toMatchObject({ outcome: 'TOKEN_ISSUED', absent: ['attributes.email'] })
  })

  it('Should leave out an optional claim that is not a scalar, and log which', async () => {
    const warn = vi.spyOn(console, 'warn')
    const cookie = await sessionCookie({ ...JANE, email: ['a@example.com', 'b@example.com'] })
    const { claims } = await widgetToken(await fetchWorker(tokenRequest(cookie)))
    expect(claims.attributes).not.toHaveProperty('email')
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('"to":"attributes.email","reason":"not_a_scalar"'))
  })
})

describe('Other paths and methods', () => {
  it('Should serve the token on a configured TOKEN_PATH, and nothing on /token then', async () => {
    const fetchAt = workerWithEnv({ TOKEN_PATH: '/api/chat/token' })
    const cookie = await sessionCookie()
    expect((await fetchAt(tokenRequest(cookie, { path: '/api/chat/token' }))).status).toBe(200)
    expect((await fetchAt(tokenRequest(cookie))).status).toBe(404)
  })

  it('Should answer 404 NOT_FOUND as JSON for an unknown path', async () => {
    const response = await fetchWorker(tokenRequest(undefined, { path: '/nope' }))
    expect(response.status).toBe(404)
    expect(await errorCode(response)).toBe('NOT_FOUND')
  })

  it('Should answer 405 METHOD_NOT_ALLOWED as JSON with Allow for POST /token', async () => {
    const response = await fetchWorker(tokenRequest(await sessionCookie(), { method: 'POST' }))
    expect(response.status).toBe(405)
    expect(response.headers.get('Allow')).toBe('GET, OPTIONS')
    expect(await errorCode(response)).toBe('METHOD_NOT_ALLOWED')
  })

  it('Should not serve /dev/login from the production entry', async () => {
    const response = await fetchWorker(tokenRequest(undefined, { path: '/dev/login' }))
    expect(response.status).toBe(404)
  })
})
