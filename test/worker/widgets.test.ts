import { jwtVerify } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { readConfig } from '../../src/config'
import { InvalidConfigError } from '../../src/errors'
import { BASE, demoEnv, errorCode, sessionCookie, widgetToken, workerWithEnv } from './helpers'

afterEach(() => {
  vi.restoreAllMocks()
})

/** 44-character keys, one per widget, as the console gives them. */
const KEYS = {
  CONNECT_SECRET_SUPPORT: 'TEST-ONLY-support-widget-security-key-000000',
  CONNECT_SECRET_SALES: 'TEST-ONLY-sales-widget-security-key-00000000',
  CONNECT_SECRET_TEST: 'TEST-ONLY-test-widget-security-key-000000000',
}

const WIDGETS = [
  {
    NAME: 'support',
    TOKEN_PATH: '/token/support',
    WIDGET_ID: 'support-widget-id',
    SECRET: 'CONNECT_SECRET_SUPPORT',
    TOKEN_TTL_SECONDS: 120,
    ALLOWED_ORIGINS: ['https://help.example.net'],
  },
  {
    NAME: 'sales',
    TOKEN_PATH: '/token/sales',
    WIDGET_ID: 'sales-widget-id',
    SECRET: 'CONNECT_SECRET_SALES',
    CONTACT_MAPPING: [{ to: 'attributes.lead', claim: 'name', required: true }],
  },
  { NAME: 'test', TOKEN_PATH: '/token/test', WIDGET_ID: 'test-widget-id', SECRET: 'CONNECT_SECRET_TEST' },
]

/** The demo env with its single widget turned into three. */
const threeWidgets = { ...KEYS, WIDGETS, WIDGET_ID: undefined, TOKEN_PATH: undefined }

function requestTo(path: string, cookie: string, origin?: string): Request {
  const headers: Record<string, string> = { Cookie: `session=${cookie}` }
  if (origin) headers.Origin = origin
  return new Request(`${BASE}${path}`, { headers })
}

async function verifies(token: string, keyName: keyof typeof KEYS): Promise<boolean> {
  const key = new TextEncoder().encode(KEYS[keyName])
  return jwtVerify(token, key, { algorithms: ['HS256'] }).then(
    () => true,
    () => false,
  )
}

describe('Three widgets in one Worker', () => {
  it("Should sign each widget's tokens with its own key only, with its own sub, lifetime and mapping", async () => {
    const fetchToken = workerWithEnv(threeWidgets)
    const cookie = await sessionCookie()
    const cases = [
      ['/token/support', 'CONNECT_SECRET_SUPPORT', 'support-widget-id', 120],
      ['/token/sales', 'CONNECT_SECRET_SALES', 'sales-widget-id', 300],
      ['/token/test', 'CONNECT_SECRET_TEST', 'test-widget-id', 300],
    ] as const
    for (const [path, keyName, sub, ttl] of cases) {
      const { token, claims } = await widgetToken(await fetchToken(requestTo(path, cookie)))
      for (const other of Object.keys(KEYS) as (keyof typeof KEYS)[]) {
        expect(await verifies(token, other), `${path} with ${other}`).toBe(other === keyName)
      }
      expect(claims.sub).toBe(sub)
      expect((claims.exp as number) - (claims.iat as number)).toBe(ttl)
    }
    const sales = await widgetToken(await fetchToken(requestTo('/token/sales', cookie)))
    expect(sales.claims.attributes).toEqual({ lead: 'Jane Doe' })
    const test = await widgetToken(await fetchToken(requestTo('/token/test', cookie)))
    expect(test.claims.attributes).toMatchObject({ memberId: 'member-123456789', channel: 'web' })
  })

  it('Should refuse at one widget an origin allowed only for another, and no longer serve /token', async () => {
    const fetchToken = workerWithEnv(threeWidgets)
    const cookie = await sessionCookie()
    expect((await fetchToken(requestTo('/token/support', cookie, 'https://help.example.net'))).status).toBe(200)
    const elsewhere = await fetchToken(requestTo('/token/sales', cookie, 'https://help.example.net'))
    expect(await errorCode(elsewhere)).toBe('ORIGIN_NOT_ALLOWED')
    expect(await errorCode(await fetchToken(requestTo('/token', cookie)))).toBe('NOT_FOUND')
  })

  it("Should name the widget on every request's log line", async () => {
    const info = vi.spyOn(console, 'info')
    const fetchToken = workerWithEnv(threeWidgets)
    await fetchToken(requestTo('/token/sales', await sessionCookie()))
    await fetchToken(requestTo('/token/support', 'garbage'))
    const lines = info.mock.calls.map((call) => JSON.parse(String(call[0])))
    expect(lines.map((line) => [line.widget, line.outcome])).toEqual([
      ['sales', 'TOKEN_ISSUED'],
      ['support', 'SESSION_INVALID'],
    ])
  })
})

describe('Widget configuration mistakes, each naming the widget', () => {
  async function problems(overrides: Record<string, unknown>) {
    const error = await readConfig({ ...demoEnv(), ...threeWidgets, ...overrides }).catch((caught: unknown) => caught)
    return error instanceof InvalidConfigError ? error.problems.map(({ key, problem }) => `${key}: ${problem}`) : []
  }
  const edit = (index: number, change: Record<string, unknown>) =>
    WIDGETS.map((widget, i) => (i === index ? { ...widget, ...change } : widget))

  it('Should load the three widgets', async () => {
    expect(await problems({})).toEqual([])
  })

  it.each([
    [
      'a duplicate path',
      edit(1, { TOKEN_PATH: '/token/support' }),
      /^WIDGETS\[sales\]\.TOKEN_PATH: another widget answers on this path \("support"\)/,
    ],
    [
      'a duplicate widget id',
      edit(2, { WIDGET_ID: 'sales-widget-id' }),
      /^WIDGETS\[test\]\.WIDGET_ID: another widget has this WIDGET_ID \("sales"\)/,
    ],
    ['a duplicate name', edit(2, { NAME: 'sales' }), /^WIDGETS\[sales\]\.NAME: another widget has this NAME/],
    [
      'a shared secret',
      edit(2, { SECRET: 'CONNECT_SECRET_SALES' }),
      /^WIDGETS\[test\]\.SECRET: "CONNECT_SECRET_SALES" also signs "sales"/,
    ],
    [
      'an unknown setting',
      edit(0, { ALLOWED_ORIGIN: ['https://www.acme.com'] }),
      /^WIDGETS\[support\]\.ALLOWED_ORIGIN: is not a widget setting; did you mean ALLOWED_ORIGINS\?/,
    ],
    [
      'a bad lifetime',
      edit(0, { TOKEN_TTL_SECONDS: 900 }),
      /^WIDGETS\[support\]\.TOKEN_TTL_SECONDS: must be between 1 and 600/,
    ],
    ['a missing name', edit(0, { NAME: undefined }), /^WIDGETS\[0\]\.NAME: is required/],
  ])('Should refuse %s', async (_, widgets, expected) => {
    // A key no widget names any more is itself reported as unknown: leave it out here.
    const named = new Set(widgets.map((widget) => widget.SECRET))
    const unused = Object.fromEntries(
      Object.keys(KEYS)
        .filter((key) => !named.has(key))
        .map((key) => [key, undefined]),
    )
    expect(await problems({ WIDGETS: widgets, ...unused })).toEqual([expect.stringMatching(expected)])
  })

  it('Should allow a shared secret only when every widget sharing it says so', async () => {
    const shared = WIDGETS.map((widget) => ({ ...widget, SECRET: 'CONNECT_SECRET_TEST', SHARE_SECRET: true }))
    expect(
      await problems({ WIDGETS: shared, CONNECT_SECRET_SUPPORT: undefined, CONNECT_SECRET_SALES: undefined }),
    ).toEqual([])
  })

  it("Should name a widget's missing secret, and top-level settings that now belong to each widget", async () => {
    expect(await problems({ CONNECT_SECRET_SALES: undefined })).toEqual(['CONNECT_SECRET_SALES: is required'])
    expect(await problems({ WIDGET_ID: 'x', TOKEN_PATH: '/t' })).toEqual([
      'WIDGET_ID: is set per widget when WIDGETS is used: move it into each entry',
      'TOKEN_PATH: is set per widget when WIDGETS is used: move it into each entry',
    ])
  })
})
