import { CompactSign, exportJWK, exportPKCS8, generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'
import { readConfig } from '../../src/config'
import type { InvalidConfigError } from '../../src/errors'
import { TEST_SESSION_SECRET } from '../support/secrets'
import {
  BASE,
  DEMO_AUDIENCE,
  DEMO_ISSUER,
  demoEnv,
  errorCode,
  fetchWithEnv,
  fetchWorker,
  JANE,
  sessionCookie,
  tokenRequest,
  widgetToken,
} from './helpers'

const now = () => Math.floor(Date.now() / 1000)

/** A session whose payload is this exact JSON text: numbers JavaScript cannot hold included. */
function rawSession(payloadJson: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(payloadJson))
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(TEST_SESSION_SECRET))
}

function sessionJson(fields: string): string {
  return `{"iss":"${DEMO_ISSUER}","aud":"${DEMO_AUDIENCE}","name":"N","exp":${now() + 600},${fields}}`
}

function withCookies(...values: string[]): Request {
  return new Request(`${BASE}/token`, { headers: { Cookie: values.map((value) => `session=${value}`).join('; ') } })
}

describe('Finding 4: claims keep their exact digits', () => {
  it.each([
    ['2^53 + 1', '9007199254740993'],
    ['2^64 + 1', '18446744073709551617'],
    ['a decimal written with its precision', '12.50'],
    ['an exponent', '1E3'],
    ['a negative zero', '-0'],
    ['a plain integer', '123456789'],
  ])('Should carry %s into the attribute as written', async (_, digits) => {
    const response = await fetchWorker(tokenRequest(await rawSession(sessionJson(`"sub":${digits}`))))
    expect(response.status).toBe(200)
    expect((await widgetToken(response)).claims.attributes).toMatchObject({ memberId: digits })
  })

  it('Should not mistake digits inside a string, even after an escaped quote, for a number', async () => {
    const cookie = await rawSession(sessionJson('"sub":"a\\"12.50","n":1'))
    const response = await fetchWorker(tokenRequest(cookie))
    expect((await widgetToken(response)).claims.attributes).toMatchObject({ memberId: 'a"12.50' })
  })

  it('Should keep the digits inside a claim serialized as JSON', async () => {
    const mapping = [{ to: 'attributes.ids', claim: 'ids', serialize: 'json' }]
    const cookie = await rawSession(sessionJson('"sub":"s","ids":[18446744073709551617,1]'))
    const response = await fetchWithEnv(tokenRequest(cookie), { CONTACT_MAPPING: mapping })
    expect((await widgetToken(response)).claims.attributes).toEqual({ ids: '[18446744073709551617,1]' })
  })
})

describe('Finding 5: time claims that are not real times', () => {
  it.each([
    ['exp = 1e400 (Infinity)', '"exp":1e400'],
    ['exp = 1e308', '"exp":1e308'],
    ['exp with a fraction', `"exp":${now() + 600}.5`],
    ['nbf = 1e400', `"exp":${now() + 600},"nbf":1e400`],
    ['iat = -1', `"exp":${now() + 600},"iat":-1`],
  ])('Should refuse %s', async (_, times) => {
    const payload = `{"iss":"${DEMO_ISSUER}","aud":"${DEMO_AUDIENCE}","sub":"s","name":"N",${times}}`
    const response = await fetchWorker(tokenRequest(await rawSession(payload)))
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe('SESSION_INVALID')
  })

  it('Should refuse an iat beyond the clock tolerance in the future, and accept one within it', async () => {
    const ahead = await sessionCookie(JANE, (jwt) => jwt.setIssuedAt(now() + 3600))
    expect(await errorCode(await fetchWorker(tokenRequest(ahead)))).toBe('SESSION_INVALID')
    const skewed = await sessionCookie(JANE, (jwt) => jwt.setIssuedAt(now() + 20))
    expect((await fetchWorker(tokenRequest(skewed))).status).toBe(200)
  })

  it('Should refuse a session older than SESSION_MAX_AGE_SECONDS, and one without iat', async () => {
    const maxAge = { SESSION_MAX_AGE_SECONDS: 3600 }
    const old = await sessionCookie(JANE, (jwt) => jwt.setIssuedAt(now() - 7200))
    expect(await errorCode(await fetchWithEnv(tokenRequest(old), maxAge))).toBe('SESSION_EXPIRED')
    const fresh = await sessionCookie(JANE, (jwt) => jwt.setIssuedAt(now() - 60))
    expect((await fetchWithEnv(tokenRequest(fresh), maxAge)).status).toBe(200)
    const undated = await rawSession(sessionJson('"sub":"s"'))
    expect(await errorCode(await fetchWithEnv(tokenRequest(undated), maxAge))).toBe('SESSION_INVALID')
  })
})

describe('Finding 6: several session cookies (cookie tossing)', () => {
  it('Should refuse with 401 SESSION_AMBIGUOUS when two valid sessions name different visitors', async () => {
    const planted = await sessionCookie({ ...JANE, sub: 'attacker-1' })
    const response = await fetchWorker(withCookies(planted, await sessionCookie()))
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe('SESSION_AMBIGUOUS')
  })

  it('Should use the copy that verifies, wherever it stands', async () => {
    const garbage = 'eyJhbGciOiJIUzI1NiJ9.e30.AAAA'
    for (const cookies of [
      [garbage, await sessionCookie()],
      [await sessionCookie(), garbage],
    ]) {
      const response = await fetchWorker(withCookies(...cookies))
      expect(response.status).toBe(200)
      expect((await widgetToken(response)).claims.attributes).toMatchObject({ memberId: JANE.sub })
    }
  })

  it('Should accept two valid copies for the same visitor, and refuse five copies', async () => {
    expect((await fetchWorker(withCookies(await sessionCookie(), await sessionCookie()))).status).toBe(200)
    const five = await Promise.all(Array.from({ length: 5 }, () => sessionCookie()))
    expect(await errorCode(await fetchWorker(withCookies(...five)))).toBe('SESSION_INVALID')
  })
})

describe('Finding 7: a private key where a public key belongs', () => {
  it.each(['JWK', 'PEM'])('Should refuse a private %s in SESSION_PUBLIC_KEY, naming the key', async (form) => {
    const pair = await generateKeyPair('RS256', { extractable: true })
    const key = form === 'JWK' ? JSON.stringify(await exportJWK(pair.privateKey)) : await exportPKCS8(pair.privateKey)
    const error = await readConfig({
      ...demoEnv(),
      SESSION_SECRET: undefined,
      SESSION_ALGORITHMS: ['RS256'],
      SESSION_PUBLIC_KEY: key,
    }).catch((caught: unknown) => caught)
    expect((error as InvalidConfigError).problems.map(({ key, problem }) => [key, problem])).toEqual([
      ['SESSION_PUBLIC_KEY', expect.stringMatching(/private/)],
    ])
  })
})

describe('Finding 8: the small ones', () => {
  it('Should answer OPTIONS without Origin with 204 and Allow', async () => {
    const response = await fetchWorker(tokenRequest(undefined, { method: 'OPTIONS' }))
    expect(response.status).toBe(204)
    expect(response.headers.get('Allow')).toBe('GET, OPTIONS')
  })

  it('Should send Vary: Origin on an error to a request without Origin', async () => {
    const response = await fetchWorker(tokenRequest())
    expect(response.status).toBe(401)
    expect(response.headers.get('Vary')).toBe('Origin')
  })

  it.each(['segmentAttributes.__proto__', 'attributes.__proto__'])('Should refuse a mapping to %s', async (to) => {
    const error = await readConfig({ ...demoEnv(), CONTACT_MAPPING: [{ to, value: 'x' }] }).catch((e: unknown) => e)
    expect((error as InvalidConfigError).keys).toEqual(['CONTACT_MAPPING[0].to'])
  })

  it('Should refuse a signature spelled in non-canonical base64url', async () => {
    const cookie = await sessionCookie()
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    // The last character of a 32-byte signature carries 2 unused bits: flipping one keeps the bytes.
    const last = alphabet.indexOf(cookie.at(-1) as string)
    const respelled = cookie.slice(0, -1) + alphabet[last ^ 1]
    expect((await fetchWorker(tokenRequest(cookie))).status).toBe(200)
    expect(await errorCode(await fetchWorker(tokenRequest(respelled)))).toBe('SESSION_INVALID')
  })
})
