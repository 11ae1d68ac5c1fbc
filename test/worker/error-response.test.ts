import { afterEach, describe, expect, it, vi } from 'vitest'
import { DEV_ERROR_CODES, type DevErrorCode, DevRouteError } from '../../src/dev/errors'
import { ERROR_CODES, TokenServiceError } from '../../src/errors'
import { asFailure, errorResponse } from '../../src/http/error-response'
import { COGNITO_SESSIONS, fetchWithEnv, fetchWorker, KV_SESSIONS, sessionCookie, tokenRequest } from './helpers'
import { introspection, meUrl, withSiteCookie } from './site-support'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('errorResponse', () => {
  it.each(Object.entries(ERROR_CODES))('Should answer %s with its status and JSON body', async (code, entry) => {
    const response = errorResponse(new TokenServiceError(code as keyof typeof ERROR_CODES, 'detail-for-the-log'))
    expect(response.status).toBe(entry.status)
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    const body = await response.text()
    expect(JSON.parse(body)).toEqual({ error: { code, message: entry.message } })
    expect(body).not.toContain('detail-for-the-log')
  })

  it.each(Object.entries(DEV_ERROR_CODES))(
    "Should answer the development entry's %s with its status and JSON body",
    async (code, entry) => {
      const response = errorResponse(new DevRouteError(code as DevErrorCode, 'detail-for-the-log'))
      expect(response.status).toBe(entry.status)
      const body = await response.text()
      expect(JSON.parse(body)).toEqual({ error: { code, message: entry.message } })
      expect(body).not.toContain('detail-for-the-log')
    },
  )

  it('Should turn an unexpected error into INTERNAL_ERROR, keeping its name with JWTs cut out for the log', async () => {
    const jwt = await sessionCookie()
    const failure = asFailure(new TypeError(`cannot read ${jwt} today`))
    const response = errorResponse(failure)
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({ error: { code: 'INTERNAL_ERROR', message: expect.any(String) } })
    expect(failure.logFields).toEqual({ error: { name: 'TypeError', message: 'cannot read [redacted] today' } })
  })

  it('Should say when to try again, when trying again can help', () => {
    const response = errorResponse(new TokenServiceError('SESSION_KEYS_UNAVAILABLE', 'jwks', { retryAfterSeconds: 7 }))
    expect(response.headers.get('Retry-After')).toBe('7')
    expect(response.headers.get('Vary')).toBe('Origin')
  })
})

describe('The log line of a request', () => {
  it('Should be one line for a refusal, with outcome, reason and widget', async () => {
    const info = vi.spyOn(console, 'info')
    await fetchWorker(tokenRequest('not-a-jwt'))
    expect(info.mock.calls.map((call) => JSON.parse(String(call[0])))).toEqual([
      {
        level: 'info',
        event: 'request',
        outcome: 'SESSION_INVALID',
        status: 401,
        reason: expect.stringMatching(/^malformed/),
        widget: 'demo-widget-id',
        method: 'GET',
        path: '/token',
        ms: expect.any(Number),
      },
    ])
  })

  it('Should say TOKEN_ISSUED only when a token was issued', async () => {
    const info = vi.spyOn(console, 'info')
    await fetchWorker(tokenRequest(undefined, { method: 'OPTIONS' }))
    expect(JSON.parse(String(info.mock.calls[0][0]))).toMatchObject({ outcome: '204', status: 204 })
  })

  it('Should be one line for a token too, with the cf-ray when Cloudflare sent one, and nothing of the visitor', async () => {
    const info = vi.spyOn(console, 'info')
    await fetchWorker(tokenRequest(await sessionCookie(), { headers: { 'cf-ray': '8c1f2a3b4c5d6e7f-LHR' } }))
    const lines = info.mock.calls.map((call) => String(call[0]))
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0])).toMatchObject({ outcome: 'TOKEN_ISSUED', status: 200, ray: '8c1f2a3b4c5d6e7f-LHR' })
    expect(lines[0]).not.toMatch(/member-123456789|Jane|jane@example.com/)
  })
})

describe('HEAD /token', () => {
  // Issue 15, finding 10: Hono answers HEAD with the GET route, so a HEAD issued (and logged) a token.
  it('Should answer 405 without a body, never issuing a token', async () => {
    const info = vi.spyOn(console, 'info')
    const response = await fetchWorker(tokenRequest(await sessionCookie(), { method: 'HEAD' }))
    expect(response.status).toBe(405)
    expect(response.headers.get('Allow')).toBe('GET, OPTIONS')
    expect(await response.text()).toBe('')
    expect(info.mock.calls.map((call) => String(call[0])).join('\n')).not.toContain('TOKEN_ISSUED')
    info.mockRestore()
  })
})

describe('401 SESSION_MISSING, whichever way the visitor is not signed in', () => {
  const kv = KV_SESSIONS
  const cognito = COGNITO_SESSIONS

  // A cookie was sent in all but the first: the message may not say none was, nor which check decided.
  it.each([
    ['no cookie at all', () => fetchWorker(tokenRequest())],
    [
      'a cookie the site says is signed out (introspection 401)',
      () => fetchWithEnv(withSiteCookie('s%3Aunknown.sig'), introspection(meUrl())),
    ],
    ['a KV cookie with no record', () => fetchWithEnv(tokenRequest('nobody-has-this-session-id-0002'), kv)],
    [
      'cookies of a provider with nobody signed in (Cognito, no LastAuthUser)',
      () => fetchWithEnv(new Request('https://www.example.com/token', { headers: { Cookie: 'theme=dark' } }), cognito),
    ],
  ])('Should answer %s with the one message, true for each', async (_, request) => {
    const response = await request()
    expect(response.status).toBe(401)
    const { error } = (await response.json()) as { error: { code: string; message: string } }
    expect(error).toEqual({ code: 'SESSION_MISSING', message: ERROR_CODES.SESSION_MISSING.message })
    expect(error.message).not.toMatch(/cookie/i)
  })
})
