import { createExecutionContext, env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/config'
import devWorker from '../../src/dev'
import { BASE, widgetToken } from './helpers'

function fetchDev(path: string, cookie?: string): Promise<Response> {
  const headers = cookie ? { Cookie: cookie } : undefined
  const request = new Request(`${BASE}${path}`, { headers })
  return devWorker.fetch?.(request as never, env as unknown as Env, createExecutionContext()) as Promise<Response>
}

function sessionFrom(response: Response): string {
  const setCookie = response.headers.get('Set-Cookie') ?? ''
  return setCookie.split(';')[0]
}

describe('GET /dev/login (development entry only)', () => {
  it('Should set an HttpOnly, SameSite=Lax demo session cookie and not echo it in the body', async () => {
    const response = await fetchDev('/dev/login')
    expect(response.status).toBe(200)
    const setCookie = response.headers.get('Set-Cookie') ?? ''
    expect(setCookie).toMatch(/^session=ey/)
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Lax')
    expect(setCookie).toContain('Path=/')
    const body = await response.text()
    expect(body).not.toContain(sessionFrom(response).slice('session='.length))
    expect(JSON.parse(body)).toMatchObject({ session: 'issued', cookie: 'session', next: '/token' })
  })

  it('Should give a session that /token turns into a widget token with the demo attributes', async () => {
    const cookie = sessionFrom(await fetchDev('/dev/login'))
    const response = await fetchDev('/token', cookie)
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
    const { claims } = await widgetToken(await fetchDev('/token', cookie))
    expect(claims.attributes).toMatchObject({ memberId: 'm-42', name: 'Ann Lee', tier: 'silver' })
  })

  it('Should keep control of exp, iss and aud, so the demo session stays valid', async () => {
    const cookie = sessionFrom(await fetchDev('/dev/login?exp=1&iss=https://evil.example&aud=x'))
    expect((await fetchDev('/token', cookie)).status).toBe(200)
  })
})
