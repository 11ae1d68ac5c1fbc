import { importJWK, SignJWT } from 'jose'
import { describe, expect, inject, it } from 'vitest'
import { fetchDev, sessionFrom } from './dev-entry'
import { BASE, DEMO_AUDIENCE, DEMO_ISSUER, errorCode, fetchWorker, JANE, widgetToken } from './helpers'

describe('GET /dev/login (development entry only)', () => {
  it('Should set an HttpOnly, Secure, SameSite=Lax demo session cookie and not echo it in the body', async () => {
    const response = await fetchDev('/dev/login')
    expect(response.status).toBe(200)
    const setCookie = response.headers.get('Set-Cookie') ?? ''
    expect(setCookie).toMatch(/^session=ey/)
    expect(setCookie).toContain('HttpOnly')
    // Kept by browsers on http://localhost, never by a page on another name (DNS rebinding).
    expect(setCookie).toContain('Secure')
    expect(setCookie).toContain('SameSite=Lax')
    expect(setCookie).toContain('Path=/')
    const body = await response.text()
    expect(body).not.toContain(sessionFrom(response).slice('session='.length))
    expect(JSON.parse(body)).toMatchObject({ session: 'issued', cookie: 'session', next: '/token' })
  })

  it('Should give a session that /token turns into a widget token with the demo attributes', async () => {
    const cookie = sessionFrom(await fetchDev('/dev/login'))
    const response = await fetchDev('/token', { cookie })
    expect(response.status).toBe(200)
    const { claims } = await widgetToken(response)
    expect(claims.attributes).toEqual({
      memberId: 'member-123456789',
      name: 'Jane Doe',
      email: 'jane@example.com',
      tier: 'gold',
      channel: 'web',
    })
  })

  it('Should take claims from the query, nesting dotted names', async () => {
    const cookie = sessionFrom(await fetchDev('/dev/login?name=Ann%20Lee&profile.tier=silver&sub=m-42'))
    const { claims } = await widgetToken(await fetchDev('/token', { cookie }))
    expect(claims.attributes).toMatchObject({ memberId: 'm-42', name: 'Ann Lee', tier: 'silver' })
  })

  it('Should keep control of exp, iss and aud, so the demo session stays valid', async () => {
    const cookie = sessionFrom(await fetchDev('/dev/login?exp=1&iss=https://evil.example&aud=x'))
    expect((await fetchDev('/token', { cookie })).status).toBe(200)
  })
})

describe('Demo sessions for every session source', () => {
  const jwks = {
    SESSION_SECRET: undefined,
    SESSION_ALGORITHMS: ['ES256'],
    SESSION_JWKS_URL: 'https://login.example.com/jwks.json',
  }
  const publicKey = {
    SESSION_SECRET: undefined,
    SESSION_ALGORITHMS: ['RS256'],
    SESSION_PUBLIC_KEY: inject('rsaPublicKeyPem'),
  }

  it.each([
    ['a JWKS (unreachable here)', jwks],
    ['a configured public key', publicKey],
  ])('Should sign with a development key and accept it, with %s', async (_, vars) => {
    const login = await fetchDev('/dev/login?name=Key%20Pair', { vars })
    expect(login.status).toBe(200)
    const { claims } = await widgetToken(await fetchDev('/token', { cookie: sessionFrom(login), vars }))
    expect(claims.attributes).toMatchObject({ name: 'Key Pair' })
    const served = (await (await fetchDev('/dev/jwks.json', { vars })).json()) as {
      keys: { kid: string; d?: string }[]
    }
    expect(served.keys).toEqual([expect.objectContaining({ kid: 'dev-login' })])
    expect(served.keys[0].d).toBeUndefined()
  })

  it('Should still refuse a session signed by a stranger key that claims another kid', async () => {
    const stranger = await new SignJWT(JANE)
      .setProtectedHeader({ alg: 'RS256', kid: 'other' })
      .setIssuer(DEMO_ISSUER)
      .setAudience(DEMO_AUDIENCE)
      .setExpirationTime('1h')
      .sign(await importJWK(inject('strangerRsaKey')))
    expect((await fetchDev('/token', { cookie: `session=${stranger}`, vars: publicKey })).status).toBe(401)
  })

  it.each(['__Host-session', '__Secure-session'])(
    'Should set a %s cookie with the attributes its prefix needs',
    async (name) => {
      const vars = { SESSION_COOKIE: name }
      const login = await fetchDev('/dev/login', { vars })
      const setCookie = login.headers.get('Set-Cookie') ?? ''
      expect(setCookie.startsWith(`${name}=ey`)).toBe(true)
      expect(setCookie).toContain('Secure')
      expect(setCookie).toContain('Path=/')
      expect(setCookie).not.toContain('Domain')
      expect((await fetchDev('/token', { cookie: sessionFrom(login), vars })).status).toBe(200)
    },
  )
})

describe('Choosing the demo claims', () => {
  it('Should omit claims named in omit, so defaults and required fields can be tried', async () => {
    const withoutTier = sessionFrom(await fetchDev('/dev/login?omit=profile.tier,email'))
    const { claims } = await widgetToken(await fetchDev('/token', { cookie: withoutTier }))
    expect(claims.attributes).toEqual({
      memberId: 'member-123456789',
      name: 'Jane Doe',
      tier: 'standard',
      channel: 'web',
    })
    const withoutName = sessionFrom(await fetchDev('/dev/login?omit=name'))
    const refused = await fetchDev('/token', { cookie: withoutName })
    expect(refused.status).toBe(403)
    expect(await errorCode(refused)).toBe('SESSION_CLAIM_MISSING')
  })

  it('Should take the claims as JSON from POST, and end the session on /dev/logout', async () => {
    const login = await fetchDev('/dev/login', { method: 'POST', json: { sub: 'm-7', name: 'Posted', exp: 1 } })
    const { claims } = await widgetToken(await fetchDev('/token', { cookie: sessionFrom(login) }))
    expect(claims.attributes).toMatchObject({ memberId: 'm-7', name: 'Posted' })
    const logout = await fetchDev('/dev/logout', { method: 'POST' })
    expect(logout.headers.get('Set-Cookie')).toMatch(/^session=; Max-Age=0/)
  })

  it('Should answer 400 DEV_REQUEST_INVALID to a POST that is not a JSON object', async () => {
    const response = await fetchDev('/dev/login', { method: 'POST', json: ['not', 'claims'] })
    expect(response.status).toBe(400)
    expect(await errorCode(response)).toBe('DEV_REQUEST_INVALID')
  })
})

describe('A demo session too large for a cookie', () => {
  // A browser keeps at most 4,096 bytes of a cookie's name and value, and drops a larger one.
  const long = 'x'.repeat(5_000)

  it.each([
    ['POST', () => fetchDev('/dev/login', { method: 'POST', json: { sub: 'm-1', name: long } })],
    ['GET', () => fetchDev(`/dev/login?name=${long}`)],
  ])('Should be refused by %s /dev/login with 422 DEV_SESSION_TOO_LARGE and no cookie', async (_, login) => {
    const response = await login()
    expect(response.status).toBe(422)
    expect(response.headers.get('Set-Cookie')).toBeNull()
    expect(await errorCode(response)).toBe('DEV_SESSION_TOO_LARGE')
  })

  it('Should be issued when it fits, saying its size', async () => {
    const response = await fetchDev('/dev/login', { method: 'POST', json: { sub: 'm-1', name: 'x'.repeat(2_500) } })
    expect(response.status).toBe(200)
    const { bytes, maxBytes } = (await response.json()) as { bytes: number; maxBytes: number }
    // Name and value, as browsers count them.
    expect(bytes).toBe(sessionFrom(response).length - '='.length)
    expect([bytes > 2_500, maxBytes]).toEqual([true, 4_096])
  })
})

describe('Optional fields a token leaves out, for the demo page', () => {
  // profile.tier is an object: the optional tier field cannot use it and is skipped.
  const unusableTier = '/dev/login?profile.tier.level=gold'

  it('Should be named, with why, in X-Connect-Skipped-Attributes by the development entry', async () => {
    const cookie = sessionFrom(await fetchDev(unusableTier))
    const response = await fetchDev('/token', { cookie })
    expect(response.status).toBe(200)
    expect(response.headers.get('X-Connect-Skipped-Attributes')).toBe('attributes.tier=not_a_scalar')
  })

  it('Should be readable by an allowed cross-origin page, beside the dropped fields', async () => {
    const cookie = sessionFrom(await fetchDev(unusableTier))
    const response = await fetchDev('/token', { cookie, headers: { Origin: 'http://localhost:8080' } })
    expect(response.headers.get('Access-Control-Expose-Headers')).toBe(
      'X-Connect-Dropped-Attributes, X-Connect-Skipped-Attributes, X-Connect-Data-Point',
    )
  })

  it('Should stay in the log line only in production', async () => {
    const cookie = sessionFrom(await fetchDev(unusableTier))
    const response = await fetchWorker(new Request(`${BASE}/token`, { headers: { Cookie: cookie } }))
    expect(response.status).toBe(200)
    expect(response.headers.has('X-Connect-Skipped-Attributes')).toBe(false)
  })
})
