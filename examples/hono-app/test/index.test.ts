import { env } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { jwtVerify, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'

/** The shop as a visitor meets it, through the Worker's real entry. */
const BASE = 'https://shop.example.com'
const bindings = env as unknown as { CONNECT_SECRET: string; SESSION_SECRET: string }

async function shopSession(): Promise<string> {
  return new SignJWT({ sub: 'member-7', name: 'Ann' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('https://shop.example.com')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(bindings.SESSION_SECRET))
}

describe('The shop with the token route mounted', () => {
  it('Should still answer its own routes, with its own vars', async () => {
    const response = await exports.default.fetch(new Request(`${BASE}/`))
    expect(await response.text()).toBe('Welcome to Example Shop')
  })

  it('Should give a signed-in visitor a widget token signed with the widget key', async () => {
    const request = new Request(`${BASE}/chat/token`, { headers: { Cookie: `__Host-session=${await shopSession()}` } })
    const response = await exports.default.fetch(request)
    expect(response.status).toBe(200)
    const { data } = (await response.json()) as { data: string }
    const { payload } = await jwtVerify(data, new TextEncoder().encode(bindings.CONNECT_SECRET))
    expect(payload).toMatchObject({ sub: 'support-chat-widget', attributes: { memberId: 'member-7', name: 'Ann' } })
  })

  it('Should refuse a visitor without a session with a coded JSON error', async () => {
    const response = await exports.default.fetch(new Request(`${BASE}/chat/token`))
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ error: { code: 'SESSION_MISSING' } })
  })
})
