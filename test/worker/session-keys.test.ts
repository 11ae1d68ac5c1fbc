import { importJWK, type JWK, SignJWT } from 'jose'
import { afterEach, describe, expect, inject, it, vi } from 'vitest'
import { DEMO_AUDIENCE, DEMO_ISSUER, errorCode, fetchWithEnv, JANE, tokenRequest } from './helpers'

afterEach(() => {
  vi.restoreAllMocks()
})

const ASYMMETRIC = ['RS256', 'ES256', 'EdDSA']

async function signedWith(jwk: JWK, claims: Record<string, unknown> = JANE): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: jwk.alg as string, kid: jwk.kid, typ: 'JWT' })
    .setIssuer(DEMO_ISSUER)
    .setAudience(DEMO_AUDIENCE)
    .setExpirationTime('10m')
    .sign(await importJWK(jwk))
}

function withJwks(url: string) {
  return { SESSION_SECRET: undefined, SESSION_JWKS_URL: url, SESSION_ALGORITHMS: ASYMMETRIC }
}

function withPublicKey(key: string, algorithms: string[]) {
  return { SESSION_SECRET: undefined, SESSION_PUBLIC_KEY: key, SESSION_ALGORITHMS: algorithms }
}

function refusalReasons(spy: { mock: { calls: unknown[][] } }): string[] {
  const lines = spy.mock.calls.map((call) => JSON.parse(String(call[0])))
  return lines.filter((line) => line.event === 'request').map((line) => line.reason)
}

async function jwksFetches(): Promise<number> {
  const response = await fetch(inject('jwksFetchCountUrl'))
  return ((await response.json()) as { fetches: number }).fetches
}

describe('Sessions verified against a remote JWKS', () => {
  it.each(['RS256', 'ES256', 'EdDSA'] as const)('Should accept a %s session', async (alg) => {
    const cookie = await signedWith(inject('signingKeys')[alg])
    const response = await fetchWithEnv(tokenRequest(cookie), withJwks(`${inject('jwksUrl')}?case=${alg}`))
    expect(response.status).toBe(200)
  })

  it('Should fetch the key set once per isolate, not once per request', async () => {
    const env = withJwks(`${inject('jwksUrl')}?case=cache`)
    const cookie = await signedWith(inject('signingKeys').ES256)
    const before = await jwksFetches()
    for (let i = 0; i < 5; i++) expect((await fetchWithEnv(tokenRequest(cookie), env)).status).toBe(200)
    expect((await jwksFetches()) - before).toBe(1)
  })

  it('Should answer 401 SESSION_INVALID for a key the set does not hold', async () => {
    const stranger = inject('strangerRsaKey')
    const cookie = await signedWith({ ...stranger, kid: 'unknown-kid' })
    const response = await fetchWithEnv(tokenRequest(cookie), withJwks(`${inject('jwksUrl')}?case=kid`))
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe('SESSION_INVALID')
  })

  it('Should answer 401 SESSION_INVALID for a forged signature under a known kid', async () => {
    const cookie = await signedWith(inject('strangerRsaKey'))
    const response = await fetchWithEnv(tokenRequest(cookie), withJwks(`${inject('jwksUrl')}?case=forged`))
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe('SESSION_INVALID')
  })

  it('Should answer 503 SESSION_KEYS_UNAVAILABLE when the JWKS host fails, logging its status', async () => {
    const error = vi.spyOn(console, 'error')
    const cookie = await signedWith(inject('signingKeys').RS256)
    const response = await fetchWithEnv(tokenRequest(cookie), withJwks(inject('jwksDownUrl')))
    expect(response.status).toBe(503)
    expect(await errorCode(response)).toBe('SESSION_KEYS_UNAVAILABLE')
    expect(refusalReasons(error)).toEqual(['jwks: http_503'])
  })

  it('Should log the network error when the JWKS host drops the connection', async () => {
    const error = vi.spyOn(console, 'error')
    const cookie = await signedWith(inject('signingKeys').RS256)
    const url = `${inject('jwksBase')}/sets/reset-${crypto.randomUUID()}/jwks.json`
    await fetch(url.replace('jwks.json', 'mode/reset'), { method: 'PUT' })
    const response = await fetchWithEnv(tokenRequest(cookie), withJwks(url))
    expect(response.status).toBe(503)
    expect(refusalReasons(error)).toEqual([expect.stringMatching(/^jwks: network_error: \w+/)])
  })
})

describe('Sessions verified against a configured public key', () => {
  it('Should accept an RS256 session with a PEM public key', async () => {
    const cookie = await signedWith(inject('signingKeys').RS256)
    const response = await fetchWithEnv(tokenRequest(cookie), withPublicKey(inject('rsaPublicKeyPem'), ['RS256']))
    expect(response.status).toBe(200)
  })

  it('Should accept an ES256 session with a JWK public key given as JSON text', async () => {
    const { d: _private, ...publicJwk } = inject('signingKeys').ES256
    const cookie = await signedWith(inject('signingKeys').ES256)
    const response = await fetchWithEnv(tokenRequest(cookie), withPublicKey(JSON.stringify(publicJwk), ['ES256']))
    expect(response.status).toBe(200)
  })

  it('Should answer 401 SESSION_INVALID for an ES256 session when only RS256 is pinned', async () => {
    const cookie = await signedWith(inject('signingKeys').ES256)
    const response = await fetchWithEnv(tokenRequest(cookie), withPublicKey(inject('rsaPublicKeyPem'), ['RS256']))
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe('SESSION_INVALID')
  })
})
