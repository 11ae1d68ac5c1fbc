import { describe, expect, it } from 'vitest'
import { SAME_ORIGIN_SNIPPET } from '../../src/dev/snippets'
import { fetchDev, sessionFrom } from './dev-entry'
import { COGNITO_SESSIONS, errorCode, KV_SESSIONS, WITHOUT_DEMO_JWT } from './helpers'

/**
 * What the demo page (`/dev`) is told about the configuration it runs against: the data the
 * server embeds, which the page's script renders (the page itself is driven in Chromium by
 * test/interop/demo-page*.test.ts).
 */
async function pageConfig(vars: Record<string, unknown> = {}) {
  const html = await (await fetchDev('/dev', { vars })).text()
  const json = /<script type="application\/json" id="config">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? 'null'
  return JSON.parse(json)
}

describe('The cross-origin half of the demo page', () => {
  it('Should be where npm run dev says it serves it (DEV_CROSS_ORIGIN_DEMO)', async () => {
    expect((await pageConfig({ DEV_CROSS_ORIGIN_DEMO: 'http://localhost:9123' })).crossOriginPage).toBe(
      'http://localhost:9123/',
    )
  })

  it('Should be on localhost:8080 without it, or when it names no loopback origin', async () => {
    expect((await pageConfig()).crossOriginPage).toBe('http://localhost:8080/')
    expect((await pageConfig({ DEV_CROSS_ORIGIN_DEMO: 'https://evil.example' })).crossOriginPage).toBe(
      'http://localhost:8080/',
    )
  })
})

describe('The demo page with several widgets', () => {
  const KEYS = {
    CONNECT_SECRET_SUPPORT: 'TEST-ONLY-support-widget-key-0123456789abcde',
    CONNECT_SECRET_SALES: 'TEST-ONLY-sales-widget-key-0123456789abcdefg',
  }
  const vars = {
    WIDGET_ID: undefined,
    TOKEN_PATH: undefined,
    ALLOWED_ORIGINS: undefined,
    ...KEYS,
    WIDGETS: JSON.stringify([
      {
        NAME: 'support',
        TOKEN_PATH: '/token/support',
        WIDGET_ID: 'support-widget-id',
        SECRET: 'CONNECT_SECRET_SUPPORT',
        ALLOWED_ORIGINS: ['http://localhost:8080'],
      },
      { NAME: 'sales', TOKEN_PATH: '/token/sales', WIDGET_ID: 'sales-widget-id', SECRET: 'CONNECT_SECRET_SALES' },
    ]),
  }

  it('Should give each widget its own snippet path, settings and origins', async () => {
    const { widgets } = await pageConfig(vars)
    expect(widgets.map((widget: { name: string }) => widget.name)).toEqual(['support', 'sales'])
    const [support, sales] = widgets
    expect(sales.sameOriginSnippet).toBe(SAME_ORIGIN_SNIPPET.replace("fetch('/token')", "fetch('/token/sales')"))
    expect(support.summary['allowed origins']).toBe('["http://localhost:8080"]')
    expect(sales.summary['allowed origins']).toBe('none (same origin only)')
    expect([support.crossOriginAllowed, sales.crossOriginAllowed]).toEqual([true, false])
  })

  it("Should check a token's signature with the key of the widget it names", async () => {
    const cookie = sessionFrom(await fetchDev('/dev/login', { vars }))
    const { data } = (await (await fetchDev('/token/sales', { vars, cookie })).json()) as { data: string }
    const signature = async (widget: string) => {
      const inspection = await fetchDev('/dev/inspect', { vars, method: 'POST', json: { token: data, widget } })
      const { rules } = (await inspection.json()) as { rules: { rule: string; verdict: string }[] }
      return rules.find((rule) => rule.rule === 'signature')?.verdict
    }
    expect(await signature('sales')).toBe('pass')
    expect(await signature('support')).toBe('fail')
  })
})

describe('The demo page when only the site can make sessions', () => {
  const introspection = {
    ...WITHOUT_DEMO_JWT,
    SESSION_CLOCK_TOLERANCE_SECONDS: undefined,
    SESSION_SOURCE: 'introspection',
    SESSION_INTROSPECTION_URL: 'http://127.0.0.1:3000/api/me',
  }

  const kv = KV_SESSIONS
  const cognito = COGNITO_SESSIONS

  it('Should offer no demo sign-in and say to sign in at the site', async () => {
    const { signIn } = await pageConfig(introspection)
    expect(signIn.cookie).toBeUndefined()
    expect(signIn.atTheSite).toContain('http://127.0.0.1:3000/api/me')
    expect(signIn.atTheSite).toContain('Sign in at your site')
  })

  // Someone running the README's curl examples with such a configuration must not think that
  // the development entry is not running (a 404 said so).
  it.each([
    ['introspection', introspection],
    ['KV', kv],
    ['an identity provider (Cognito)', cognito],
  ])('Should answer /dev/login and /dev/logout with 409 DEV_LOGIN_UNAVAILABLE, with %s', async (_, vars) => {
    for (const [path, method] of [
      ['/dev/login?name=Ann', 'GET'],
      ['/dev/login', 'POST'],
      ['/dev/logout', 'GET'],
    ]) {
      const response = await fetchDev(path, { vars, method, json: method === 'POST' ? { sub: 'm-1' } : undefined })
      expect(response.status, `${method} ${path}`).toBe(409)
      expect(response.headers.get('Set-Cookie')).toBeNull()
      const { error } = (await response.json()) as { error: { code: string; message: string } }
      expect(error.code).toBe('DEV_LOGIN_UNAVAILABLE')
      expect(error.message).toContain('Sign in at the site')
    }
  })

  it('Should offer the demo sign-in for JWT sessions', async () => {
    expect((await pageConfig()).signIn).toEqual({ cookie: 'session' })
  })
})

describe('The demo routes, given a request they cannot use', () => {
  it.each([
    ['/dev/inspect', { method: 'POST', json: { token: 42 } }],
    ['/dev/cross-origin?parent=https://evil.example', {}],
  ] as const)('Should answer %s with 400 DEV_REQUEST_INVALID', async (path, request) => {
    const response = await fetchDev(path, request)
    expect(response.status).toBe(400)
    expect(await errorCode(response)).toBe('DEV_REQUEST_INVALID')
  })
})
