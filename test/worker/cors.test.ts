import { afterEach, describe, expect, it, vi } from 'vitest'
import { errorCode, fetchWithEnv, fetchWorker, sessionCookie, tokenRequest } from './helpers'

afterEach(() => {
  vi.restoreAllMocks()
})

const CORS_HEADERS = ['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials']

function expectNoCors(response: Response) {
  for (const name of CORS_HEADERS) expect(response.headers.get(name)).toBeNull()
}

async function fromOrigin(origin: string, allowed: string[], method = 'GET') {
  const headers: Record<string, string> = { Origin: origin }
  if (method === 'OPTIONS') headers['Access-Control-Request-Method'] = 'GET'
  return fetchWithEnv(tokenRequest(await sessionCookie(), { headers, method }), { ALLOWED_ORIGINS: allowed })
}

describe('Same-origin and non-browser requests', () => {
  it('Should answer a request without Origin, with no CORS headers', async () => {
    const response = await fetchWorker(tokenRequest(await sessionCookie()))
    expect(response.status).toBe(200)
    expectNoCors(response)
  })

  it('Should answer a same-origin request with no configuration', async () => {
    const response = await fromOrigin('https://www.example.com', [])
    expect(response.status).toBe(200)
    expectNoCors(response)
  })
})

describe('Cross-origin requests from the allowlist', () => {
  it('Should echo an exact origin with credentials and Vary: Origin', async () => {
    const response = await fromOrigin('https://shop.example.net', ['https://shop.example.net'])
    expect(response.status).toBe(200)
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example.net')
    expect(response.headers.get('Access-Control-Allow-Credentials')).toBe('true')
    expect(response.headers.get('Vary')).toContain('Origin')
  })

  it.each(['https://shop.example.org', 'https://eu.shop.example.org'])(
    'Should allow %s through https://*.example.org',
    async (origin) => {
      const response = await fromOrigin(origin, ['https://*.example.org'])
      expect(response.status).toBe(200)
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe(origin)
    },
  )

  it('Should answer a preflight with 204, methods, credentials and max-age', async () => {
    const response = await fromOrigin('https://shop.example.net', ['https://shop.example.net'], 'OPTIONS')
    expect(response.status).toBe(204)
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example.net')
    expect(response.headers.get('Access-Control-Allow-Credentials')).toBe('true')
    expect(response.headers.get('Access-Control-Allow-Methods')).toBe('GET,OPTIONS')
    expect(response.headers.get('Access-Control-Max-Age')).toBe('600')
    expect(response.headers.get('Access-Control-Allow-Headers')).toBe('Accept,Content-Type,CF-Turnstile-Response')
  })

  it('Should let the page read a refusal: CORS headers on a 401', async () => {
    const request = tokenRequest(undefined, { headers: { Origin: 'https://shop.example.net' } })
    const response = await fetchWithEnv(request, { ALLOWED_ORIGINS: ['https://shop.example.net'] })
    expect(response.status).toBe(401)
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example.net')
    expect(await errorCode(response)).toBe('SESSION_MISSING')
  })

  it('Should let the page read X-Connect-Dropped-Attributes', async () => {
    const response = await fromOrigin('https://shop.example.net', ['https://shop.example.net'])
    expect(response.status).toBe(200)
    expect(response.headers.get('Access-Control-Expose-Headers')).toBe('X-Connect-Dropped-Attributes')
  })

  it('Should never answer Access-Control-Allow-Origin: *', async () => {
    const response = await fromOrigin('https://shop.example.net', ['https://shop.example.net'])
    expect(response.headers.get('Access-Control-Allow-Origin')).not.toBe('*')
  })
})

describe('Cross-origin requests from elsewhere', () => {
  it.each([
    ['an unlisted origin', 'https://evil.example.net'],
    ['the apex of a wildcard', 'https://example.org'],
    ['a lookalike suffix', 'https://evilexample.org'],
    ['another scheme', 'http://shop.example.org'],
    ['another port', 'https://shop.example.org:8443'],
    ['the opaque origin', 'null'],
  ])('Should answer 403 ORIGIN_NOT_ALLOWED with no CORS headers for %s', async (_, origin) => {
    const response = await fromOrigin(origin, ['https://*.example.org', 'https://www.example.net'])
    expect(response.status).toBe(403)
    expectNoCors(response)
    expect(await errorCode(response)).toBe('ORIGIN_NOT_ALLOWED')
  })

  it('Should name the refused origin in the log line', async () => {
    const info = vi.spyOn(console, 'info')
    await fromOrigin('https://evil.example.net', ['https://www.example.net'])
    const lines = info.mock.calls.map((call) => JSON.parse(String(call[0])))
    expect(lines).toContainEqual(
      expect.objectContaining({
        event: 'request',
        outcome: 'ORIGIN_NOT_ALLOWED',
        origin: 'https://evil.example.net',
      }),
    )
  })

  it('Should refuse a preflight from an unlisted origin with 403 and no CORS headers', async () => {
    const response = await fromOrigin('https://evil.example.net', ['https://www.example.net'], 'OPTIONS')
    expect(response.status).toBe(403)
    expectNoCors(response)
  })
})
