import { describe, expect, it } from 'vitest'
import { fetchDev, sessionFrom } from './dev-entry'

/**
 * The development entry answers only a browser on this machine. A DNS-rebinding page (a name
 * the attacker controls, resolved to 127.0.0.1) reaches the dev server with its own name in
 * `Host`, and, on a POST or a cross-origin request, in `Origin`: each is refused with a code
 * before any route runs, so such a page can neither mint a demo session nor turn one into a token.
 */
const REBIND = 'http://rebind.attacker.example:8915'

async function refusal(response: Response) {
  return { status: response.status, body: await response.json(), setCookie: response.headers.get('Set-Cookie') }
}

const REFUSED = {
  status: 403,
  body: { error: { code: 'DEV_HOST_NOT_ALLOWED', message: expect.any(String) } },
  setCookie: null,
}

describe('The development entry on another host name (DNS rebinding)', () => {
  it('Should refuse /dev/login with a code and set no session', async () => {
    expect(await refusal(await fetchDev('/dev/login?sub=victim', { origin: REBIND }))).toEqual(REFUSED)
  })

  it('Should refuse /token even with a valid demo session', async () => {
    const cookie = sessionFrom(await fetchDev('/dev/login?sub=victim'))
    expect(await refusal(await fetchDev('/token', { origin: REBIND, cookie }))).toEqual(REFUSED)
  })

  it.each(['/dev', '/dev/inspect', '/dev/cross-origin', '/no-such-path'])('Should refuse %s as well', async (path) => {
    expect((await refusal(await fetchDev(path, { origin: REBIND }))).body).toEqual(REFUSED.body)
  })

  it('Should refuse names that only start or end like a loopback one', async () => {
    for (const origin of [
      'http://localhost.attacker.example:8787',
      'http://127.0.0.1.nip.io:8787',
      'http://localhost.:8787',
    ]) {
      expect((await fetchDev('/dev/login', { origin })).status, origin).toBe(403)
    }
  })

  it('Should refuse a Host header that differs from a loopback URL', async () => {
    const response = await fetchDev('/dev/login', { headers: { Host: 'rebind.attacker.example:8787' } })
    expect(response.status).toBe(403)
  })

  it('Should refuse a page on another name even when the URL and Host say localhost (a forged MF-Original-URL)', async () => {
    // wrangler dev takes the URL, and then the Host, from a client's MF-Original-URL header:
    // the browser's own Origin still names the page.
    const response = await fetchDev('/dev/login?sub=victim', { method: 'POST', json: {}, headers: { Origin: REBIND } })
    expect(await refusal(response)).toEqual(REFUSED)
  })
})

describe('The development entry on localhost', () => {
  it.each(['http://localhost:8787', 'http://127.0.0.1:8787', 'http://[::1]:8787', 'http://LOCALHOST:8787'])(
    'Should answer %s',
    async (origin) => {
      expect((await fetchDev('/dev/login', { origin })).status).toBe(200)
    },
  )

  it('Should answer pages on other loopback origins, and links followed from pages elsewhere', async () => {
    const cookie = sessionFrom(await fetchDev('/dev/login'))
    expect((await fetchDev('/token', { cookie, headers: { Origin: 'http://localhost:8080' } })).status).toBe(200)
    expect((await fetchDev('/dev', { headers: { Referer: 'http://wiki.example/setup' } })).status).toBe(200)
    // An opaque origin names no host: the token route's own origin check answers it.
    const opaque = await fetchDev('/token', { cookie, headers: { Origin: 'null' } })
    expect(((await opaque.json()) as { error: { code: string } }).error.code).toBe('ORIGIN_NOT_ALLOWED')
  })
})
