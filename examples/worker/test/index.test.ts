import { env } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'

/** The site's Worker through its real entry, with its KV namespace and rate limiter. */
const BASE = 'https://www.example.com'
const bindings = env as unknown as { CONNECT_SECRET: string; SESSIONS: KVNamespace }

async function claims(response: Response) {
  const { data } = (await response.json()) as { data: string }
  return (await jwtVerify(data, new TextEncoder().encode(bindings.CONNECT_SECRET))).payload
}

describe('A plain Worker handing /token to the token route', () => {
  it('Should leave every other path to the site', async () => {
    expect(await (await exports.default.fetch(new Request(`${BASE}/`))).text()).toBe('<h1>The site</h1>')
  })

  it('Should give the visitor whose KV record the cookie names a token with its fields', async () => {
    const id = 'Kq3Yx7bS0mJv2fT9wLpZr4uN8cEaHdG1'
    await bindings.SESSIONS.put(`sess:${id}`, JSON.stringify({ id: 'member-9', email: 'kay@example.com' }))
    const response = await exports.default.fetch(new Request(`${BASE}/token`, { headers: { Cookie: `sid=${id}` } }))
    expect((await claims(response)).attributes).toEqual({ memberId: 'member-9', email: 'kay@example.com' })
  })

  it('Should give a guest the literal attributes only', async () => {
    const response = await exports.default.fetch(new Request(`${BASE}/token`))
    expect((await claims(response)).attributes).toEqual({ authenticated: 'false' })
  })

  it('Should refuse a cookie that names no session before any read', async () => {
    const response = await exports.default.fetch(new Request(`${BASE}/token`, { headers: { Cookie: 'sid=user:42' } }))
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ error: { code: 'SESSION_INVALID' } })
  })
})
