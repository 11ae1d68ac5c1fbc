import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { decodeJwt, jwtVerify } from 'jose'
import jsonwebtoken from 'jsonwebtoken'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dotenvValue } from '../support/dotenv'
import { type DevServer, startWranglerDev } from '../support/wrangler-process'

/**
 * The README's flow against `wrangler dev`, with tokens checked by jsonwebtoken, the library
 * of Amazon's Node.js samples and an implementation independent of jose.
 */
const CONNECT_SECRET = dotenvValue('.dev.vars.example', 'CONNECT_SECRET')

/** Debian's Python, where `apt-get install python3-jwt` puts PyJWT. */
const SYSTEM_PYTHON = '/usr/bin/python3'
const pyjwtAvailable =
  existsSync(SYSTEM_PYTHON) &&
  (() => {
    try {
      execFileSync(SYSTEM_PYTHON, ['-c', 'import jwt'], { stdio: 'ignore' })
      return true
    } catch {
      return false
    }
  })()

let dev: DevServer
beforeAll(async () => {
  dev = await startWranglerDev()
})
afterAll(async () => {
  await dev?.stop()
})

async function demoSessionCookie(query = ''): Promise<string> {
  const response = await fetch(`${dev.url}/dev/login${query}`)
  expect(response.status).toBe(200)
  return (response.headers.get('set-cookie') ?? '').split(';')[0]
}

async function fetchToken(cookie: string): Promise<string> {
  const response = await fetch(`${dev.url}/token`, { headers: { Cookie: cookie } })
  expect(response.status).toBe(200)
  expect(response.headers.get('cache-control')).toBe('no-store')
  return ((await response.json()) as { data: string }).data
}

describe('wrangler dev with the demo configuration', () => {
  it('Should refuse /token without a session: 401 SESSION_MISSING as JSON', async () => {
    const response = await fetch(`${dev.url}/token`)
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      error: { code: 'SESSION_MISSING', message: expect.any(String) },
    })
  })

  it('Should issue a widget token that jsonwebtoken verifies with the widget secret', async () => {
    const token = await fetchToken(await demoSessionCookie('?name=Jane%20Doe'))
    const verified = jsonwebtoken.verify(token, CONNECT_SECRET, {
      algorithms: ['HS256'],
      subject: 'demo-widget-id',
      complete: true,
    })
    expect(verified.header).toEqual({ alg: 'HS256', typ: 'JWT' })
    const payload = verified.payload as jsonwebtoken.JwtPayload
    expect(Number(payload.exp) - Number(payload.iat)).toBe(300)
    expect(payload.attributes).toEqual({
      memberId: 'member-123456789',
      name: 'Jane Doe',
      email: 'jane@example.com',
      tier: 'gold',
      channel: 'web',
    })
  })

  it('Should match, byte for byte, the token jsonwebtoken builds from the same payload', async () => {
    const token = await fetchToken(await demoSessionCookie('?name=%EA%B9%80%EC%A7%80%EC%95%84'))
    const payload = jsonwebtoken.decode(token) as jsonwebtoken.JwtPayload
    const rebuilt = jsonwebtoken.sign(payload, CONNECT_SECRET, { algorithm: 'HS256' })
    expect(rebuilt).toBe(token)
    expect(jsonwebtoken.decode(rebuilt)).toEqual(jsonwebtoken.decode(token))
  })

  it('Should reject, in jsonwebtoken, a token checked against the wrong secret', async () => {
    const token = await fetchToken(await demoSessionCookie())
    expect(() => jsonwebtoken.verify(token, 'not-the-widget-secret', { algorithms: ['HS256'] })).toThrow(
      /invalid signature/,
    )
  })

  it.skipIf(!pyjwtAvailable && process.env.CI !== 'true')(
    'Should satisfy PyJWT, the library of Amazon’s Python sample, both ways',
    async () => {
      const token = await fetchToken(await demoSessionCookie('?name=Zo%C3%AB'))
      const input = JSON.stringify({ token, secret: CONNECT_SECRET, widgetId: 'demo-widget-id' })
      const output = execFileSync(SYSTEM_PYTHON, ['test/support/pyjwt.py'], { input, encoding: 'utf8' })
      const { header, payload, rebuilt } = JSON.parse(output)
      expect(header).toEqual({ alg: 'HS256', typ: 'JWT' })
      expect(payload).toEqual(decodeJwt(token))
      // PyJWT's own token (its header order, ASCII-escaped JSON) verifies and decodes the same.
      const { payload: theirs } = await jwtVerify(rebuilt, new TextEncoder().encode(CONNECT_SECRET))
      expect(theirs).toEqual(decodeJwt(token))
    },
  )

  it('Should answer a cross-origin preflight from the demo page origin', async () => {
    const response = await fetch(`${dev.url}/token`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:8080', 'Access-Control-Request-Method': 'GET' },
    })
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:8080')
    expect(response.headers.get('access-control-allow-credentials')).toBe('true')
  })
})
