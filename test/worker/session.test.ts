import { exportSPKI, generateKeyPair, UnsecuredJWT } from 'jose'
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import {
  DEMO_AUDIENCE,
  DEMO_ISSUER,
  errorCode,
  fetchWithEnv,
  fetchWorker,
  JANE,
  sessionCookie,
  tokenRequest,
} from './helpers'

const nowSeconds = () => Math.floor(Date.now() / 1000)

let logs: MockInstance[] = []
beforeEach(() => {
  logs = (['log', 'info', 'warn', 'error'] as const).map((level) => vi.spyOn(console, level))
})
afterEach(() => {
  vi.restoreAllMocks()
})

function loggedText(): string {
  return logs.flatMap((spy) => spy.mock.calls.map((call) => call.join(' '))).join('\n')
}

/** Asserts the refusal: status, code, the exact body shape, and no cookie in body or log. */
async function expectRefused(cookie: string | undefined, status: number, code: string) {
  const response = await fetchWorker(tokenRequest(cookie))
  const text = await response.text()
  expect(response.status).toBe(status)
  expect(JSON.parse(text)).toEqual({ error: { code, message: expect.any(String) } })
  expect(response.headers.get('Cache-Control')).toBe('no-store')
  if (cookie) {
    expect(text).not.toContain(cookie)
    expect(loggedText()).not.toContain(cookie)
  }
}

describe('A request without a session', () => {
  it('Should answer 401 SESSION_MISSING without a cookie', async () => {
    await expectRefused(undefined, 401, 'SESSION_MISSING')
  })

  it('Should answer 401 SESSION_MISSING for an empty cookie', async () => {
    await expectRefused('', 401, 'SESSION_MISSING')
  })
})

describe('A malformed session cookie', () => {
  it.each([
    ['plain garbage', 'not-a-jwt'],
    ['three garbage parts', 'aaa.bbb.ccc'],
    ['bad percent-encoding', '%E0%A4%A'],
    ['JSON that is not a JWS header', `${btoa('[1,2]')}.${btoa('{}')}.sig`],
  ])('Should answer 401 SESSION_INVALID for %s', async (_, cookie) => {
    await expectRefused(cookie, 401, 'SESSION_INVALID')
  })

  it('Should answer 401 SESSION_INVALID for octets RFC 6265 forbids in a cookie value', async () => {
    await expectRefused('eyJhbGciOiJIUzI1NiJ9\\.e30.sig', 401, 'SESSION_INVALID')
  })

  it('Should answer 401 SESSION_INVALID for a cookie longer than a browser can hold', async () => {
    const cookie = await sessionCookie({ ...JANE, padding: 'x'.repeat(5_000) })
    await expectRefused(cookie, 401, 'SESSION_INVALID')
  })
})

describe('A session JWT that fails verification', () => {
  it('Should answer 401 SESSION_INVALID for a signature made with another secret', async () => {
    const cookie = await sessionCookie(JANE, undefined, { secret: 'some-other-secret-some-other-secret!' })
    await expectRefused(cookie, 401, 'SESSION_INVALID')
  })

  it('Should answer 401 SESSION_INVALID for a tampered payload', async () => {
    const [header, , signature] = (await sessionCookie()).split('.')
    const forged = btoa(JSON.stringify({ ...JANE, name: 'Mallory', exp: nowSeconds() + 3600 })).replace(/=+$/, '')
    await expectRefused(`${header}.${forged}.${signature}`, 401, 'SESSION_INVALID')
  })

  it('Should answer 401 SESSION_EXPIRED once exp is past the clock tolerance', async () => {
    const cookie = await sessionCookie(JANE, (jwt) => jwt.setExpirationTime(nowSeconds() - 31))
    await expectRefused(cookie, 401, 'SESSION_EXPIRED')
  })

  it('Should accept a session that expired within the clock tolerance', async () => {
    const cookie = await sessionCookie(JANE, (jwt) => jwt.setExpirationTime(nowSeconds() - 10))
    expect((await fetchWorker(tokenRequest(cookie))).status).toBe(200)
  })

  it('Should answer 401 SESSION_INVALID for a session without exp', async () => {
    const cookie = await sessionCookie(JANE, undefined, { expires: null })
    await expectRefused(cookie, 401, 'SESSION_INVALID')
  })

  it('Should answer 401 SESSION_INVALID before nbf', async () => {
    const cookie = await sessionCookie(JANE, (jwt) => jwt.setNotBefore(nowSeconds() + 600))
    await expectRefused(cookie, 401, 'SESSION_INVALID')
  })

  it('Should answer 401 SESSION_INVALID for the wrong issuer', async () => {
    const cookie = await sessionCookie(JANE, (jwt) => jwt.setIssuer('https://evil.example.net'))
    await expectRefused(cookie, 401, 'SESSION_INVALID')
  })

  it('Should answer 401 SESSION_INVALID for the wrong audience', async () => {
    const cookie = await sessionCookie(JANE, (jwt) => jwt.setAudience('shop.example.net'))
    await expectRefused(cookie, 401, 'SESSION_INVALID')
  })
})

describe('Algorithm attacks', () => {
  it('Should answer 401 SESSION_INVALID for alg "none"', async () => {
    const cookie = new UnsecuredJWT({ ...JANE })
      .setIssuer(DEMO_ISSUER)
      .setAudience(DEMO_AUDIENCE)
      .setExpirationTime('1h')
      .encode()
    await expectRefused(cookie, 401, 'SESSION_INVALID')
  })

  it('Should answer 401 SESSION_INVALID for an algorithm outside the pinned list', async () => {
    const cookie = await sessionCookie(JANE, undefined, { alg: 'HS512' })
    await expectRefused(cookie, 401, 'SESSION_INVALID')
  })

  it('Should answer 401 SESSION_INVALID for HS256 signed with the RS256 public key (key confusion)', async () => {
    const { publicKey } = await generateKeyPair('RS256', { extractable: true })
    const pem = await exportSPKI(publicKey)
    const forged = await sessionCookie(JANE, undefined, { secret: pem })
    const response = await fetchWithEnv(tokenRequest(forged), {
      SESSION_SECRET: undefined,
      SESSION_PUBLIC_KEY: pem,
      SESSION_ALGORITHMS: ['RS256'],
    })
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe('SESSION_INVALID')
  })
})
