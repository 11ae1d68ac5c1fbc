import { Hono } from 'hono'
import { jwtVerify } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { InvalidConfigError } from '../../src/errors'
import { widgetToken } from '../../src/handler'
import { analyticsEngine } from '../../src/metrics'
import { jwks } from '../../src/session/jwks'
import { jwtCookie } from '../../src/session/jwt-cookie'
import { TEST_CONNECT_SECRET, TEST_SESSION_SECRET } from '../support/secrets'
import { DEMO_AUDIENCE, DEMO_ISSUER, JANE, sessionCookie } from './helpers'

/**
 * `widgetToken()` inside an app of its own (issue 16): the app's own routes and vars stay its
 * business; the token route answers as the standalone Worker does.
 */
const session = jwtCookie({
  algorithms: ['HS256'],
  secret: 'SESSION_SECRET',
  issuer: DEMO_ISSUER,
  audience: DEMO_AUDIENCE,
})
const MAPPING = [
  { to: 'attributes.memberId', claim: 'sub', required: true },
  { to: 'attributes.name', claim: 'name' },
]

/** The host app's env: its own vars, which the token route never checks, and the secrets. */
const ENV = {
  CONNECT_INSTANCE_ARN: 'arn:aws:connect:eu-west-1:123456789012:instance/abc',
  SESSION_TIMEOUT_MINUTES: 'thirty',
  CONNECT_SECRET: TEST_CONNECT_SECRET,
  SESSION_SECRET: TEST_SESSION_SECRET,
}

function hostApp(options: Partial<Parameters<typeof widgetToken>[0]> = {}) {
  const app = new Hono()
  app.get('/', (c) => c.text('the shop'))
  app.all('/token', widgetToken({ widgetId: 'support-widget', session, mapping: MAPPING, ...options }))
  return app
}

const withSession = async (headers: Record<string, string> = {}) => ({
  headers: { Cookie: `session=${await sessionCookie()}`, ...headers },
})

describe('widgetToken() in an app of its own', () => {
  it("Should answer a signed-in visitor's token, signed with the key the app's env holds", async () => {
    const response = await hostApp().request('/token', await withSession(), ENV)
    expect(response.status).toBe(200)
    const { data } = (await response.json()) as { data: string }
    const { payload } = await jwtVerify(data, new TextEncoder().encode(TEST_CONNECT_SECRET))
    expect(payload).toMatchObject({ sub: 'support-widget', attributes: { memberId: JANE.sub, name: JANE.name } })
  })

  it("Should leave the app's own routes and vars alone", async () => {
    const app = hostApp()
    expect(await (await app.request('/', {}, ENV)).text()).toBe('the shop')
    expect((await app.request('/token', {}, ENV)).status).toBe(401)
  })

  it('Should answer the same coded JSON errors as the standalone Worker', async () => {
    const response = await hostApp().request('/token', {}, ENV)
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      error: { code: 'SESSION_MISSING', message: 'Nobody is signed in. Sign in first.' },
    })
    const post = await hostApp().request('/token', { method: 'POST' }, ENV)
    expect(post.status).toBe(405)
    expect(post.headers.get('Allow')).toBe('GET, OPTIONS')
  })

  it('Should answer CORS for its own origins on its own route only', async () => {
    const app = hostApp({ origins: ['https://www.example.com'] })
    const preflight = await app.request(
      '/token',
      { method: 'OPTIONS', headers: { Origin: 'https://www.example.com', 'Access-Control-Request-Method': 'GET' } },
      ENV,
    )
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe('https://www.example.com')
    const stranger = await app.request('/token', await withSession({ Origin: 'https://evil.example' }), ENV)
    expect(stranger.status).toBe(403)
    expect(
      (await app.request('/', { headers: { Origin: 'https://www.example.com' } }, ENV)).headers.get(
        'Access-Control-Allow-Origin',
      ),
    ).toBeNull()
  })

  it('Should read the key from a function of the env, and refuse a wrong key with 500 CONFIG_INVALID', async () => {
    const fromFunction = hostApp({ secret: (env) => env.WIDGET_KEY as string })
    const env = { ...ENV, WIDGET_KEY: TEST_CONNECT_SECRET }
    expect((await fromFunction.request('/token', await withSession(), env)).status).toBe(200)
    const wrong = await fromFunction.request('/token', await withSession(), { ...env, WIDGET_KEY: 'too short' })
    expect(wrong.status).toBe(500)
    expect(await wrong.json()).toMatchObject({ error: { code: 'CONFIG_INVALID' } })
  })

  it('Should sign what a mapping function returns', async () => {
    const mapped = hostApp({ mapping: (claims) => ({ attributes: { memberId: String(claims.sub), plan: 'gold' } }) })
    const response = await mapped.request('/token', await withSession(), ENV)
    const { data } = (await response.json()) as { data: string }
    const { payload } = await jwtVerify(data, new TextEncoder().encode(TEST_CONNECT_SECRET))
    expect(payload.attributes).toEqual({ memberId: JANE.sub, plan: 'gold' })
  })

  it('Should give guests literal fields only', async () => {
    const app = hostApp({ guests: { mapping: [{ to: 'attributes.authenticated', value: 'false' }] } })
    const { data } = (await (await app.request('/token', {}, ENV)).json()) as { data: string }
    const { payload } = await jwtVerify(data, new TextEncoder().encode(TEST_CONNECT_SECRET))
    expect(payload.attributes).toEqual({ authenticated: 'false' })
  })
})

describe('widgetToken() options', () => {
  it('Should report every mistake at once, when it is called, naming each option', () => {
    const call = () =>
      widgetToken({
        widgetId: '',
        session,
        ttlSeconds: 3600,
        origins: ['https://*.com'],
        mapping: [{ to: 'attributes.x', claim: 'sub', requried: true } as never],
        colour: 'blue',
      } as never)
    expect(call).toThrow(TypeError)
    expect(call).toThrow(/^widgetToken\(\): 5 problems: /)
    for (const key of ['colour', 'widgetId', 'ttlSeconds', 'origins[0]', 'mapping[0].requried']) {
      expect(call).toThrow(new RegExp(`${key.replace(/[[\]]/g, '\\$&')}: `))
    }
  })

  it("Should throw the README's own example", () => {
    const call = () => widgetToken({ widgetId: 'w', session, ttlSeconds: 900 })
    expect(call).toThrow(InvalidConfigError)
    expect(call).toThrow(TypeError)
    expect(call).toThrow(/^widgetToken\(\): 1 problem: ttlSeconds: must be between 1 and 600, got 900$/)
  })

  it("Should check a session source's options when it is made", () => {
    expect(() => jwtCookie({ algorithms: ['none'], secret: 'SESSION_SECRET' })).toThrow(
      /^jwtCookie\(\): 1 problem: algorithms\[0\]: "none" cannot be verified/,
    )
    expect(() => jwks('http://login.example.com/jwks')).toThrow(/^jwks\(\): 1 problem: url: must be an https:\/\/ URL/)
    expect(() => jwtCookie({ algorithms: ['RS256'], jwksUrl: 'https://login.example.com/jwks' } as never)).toThrow(
      /jwksUrl: is not an option of jwtCookie\(\)/,
    )
  })
})

// Issue 17: the library's route records through the middleware the standalone Worker does (test/worker/metrics.test.ts).
describe('widgetToken() with metrics', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it("Should write the app's token requests to the dataset it names, under the widget's name", async () => {
    const points: unknown[] = []
    const app = hostApp({ name: 'support', metrics: analyticsEngine('CHAT_METRICS') })
    const request = new Request('https://shop.example/token', {
      ...(await withSession()),
      cf: { country: 'DE', colo: 'FRA' },
    })
    const response = await app.request(request, undefined, {
      ...ENV,
      CHAT_METRICS: { writeDataPoint: (point: unknown) => points.push(point) },
    })
    expect(response.status).toBe(200)
    expect(points).toEqual([
      {
        indexes: ['support'],
        blobs: ['TOKEN_ISSUED', 'support', 'jwt', 'signed-in', 'DE', 'FRA', ''],
        doubles: [200, expect.any(Number), ((await response.json()) as { data: string }).data.length, 0, 0],
      },
    ])
  })

  it('Should answer as ever when the app binds no such dataset, and say so once', async () => {
    const warn = vi.spyOn(console, 'warn')
    const app = hostApp({ metrics: analyticsEngine('UNBOUND_METRICS') })
    const statuses = [(await app.request('/token', {}, ENV)).status, (await app.request('/token', {}, ENV)).status]
    expect(statuses).toEqual([401, 401])
    const failures = warn.mock.calls.filter(([line]) => String(line).includes('metrics_write_failed'))
    expect(failures.map(([line]) => JSON.parse(String(line)))).toEqual([
      {
        level: 'warn',
        event: 'metrics_write_failed',
        binding: 'UNBOUND_METRICS',
        error: { name: 'TypeError', message: 'no Analytics Engine dataset is bound' },
      },
    ])
  })

  it('Should check its metrics options as the vars are checked', () => {
    expect(() => hostApp({ logTokensIssued: false })).toThrow(
      'logTokensIssued: = false needs metrics: without a data point, a token issued would leave no trace',
    )
  })

  it("Should refuse a dataset's name where analyticsEngine(name) belongs, and a name that is no name", () => {
    expect(() => hostApp({ metrics: 'CHAT_METRICS' as never })).toThrow(
      "metrics: must be analyticsEngine('NAME'), NAME an [[analytics_engine_datasets]] binding",
    )
    expect(() => analyticsEngine(' CHAT_METRICS')).toThrow(/^analyticsEngine\(\): 1 problem: binding: has white space/)
  })
})
