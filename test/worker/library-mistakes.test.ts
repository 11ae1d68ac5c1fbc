import { Hono } from 'hono'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fromVars } from '../../src/config/input'
import { ConfigProblems } from '../../src/config/problems'
import { readWidgetSettings, WIDGET_VARS } from '../../src/config/widget'
import { InvalidConfigError } from '../../src/errors'
import { rateLimiter } from '../../src/guards/rate-limit'
import { turnstile } from '../../src/guards/turnstile'
import { type WidgetTokenOptions, widgetToken, widgetTokenFetch } from '../../src/handler'
import { analyticsEngine } from '../../src/metrics'
import { jwks } from '../../src/session/jwks'
import { jwtCookie } from '../../src/session/jwt-cookie'
import { TEST_CONNECT_SECRET, TEST_SESSION_SECRET } from '../support/secrets'
import { DEMO_AUDIENCE, DEMO_ISSUER, JANE, sessionCookie } from './helpers'

/**
 * The mistakes a library user makes, as a new user made them (issue 16's try): each is refused
 * where it is made, when `widgetToken()` is called if the options show it, else on the request
 * with a coded answer, and never by quietly doing less (no challenge, no attributes).
 */
const session = jwtCookie({
  algorithms: ['HS256'],
  secret: 'SESSION_SECRET',
  issuer: DEMO_ISSUER,
  audience: DEMO_AUDIENCE,
})
const ENV = {
  CONNECT_SECRET: TEST_CONNECT_SECRET,
  SESSION_SECRET: TEST_SESSION_SECRET,
  TURNSTILE: 'a-turnstile-secret',
}
const BASE = { widgetId: 'support-widget', session } satisfies WidgetTokenOptions

afterEach(() => {
  vi.restoreAllMocks()
})

function problemsOf(options: unknown, make: (options: never) => unknown = widgetToken): string[] {
  try {
    make(options as never)
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError)
    return (error as InvalidConfigError).problems.map((problem) => problem.message)
  }
  throw new Error('the options were accepted')
}

async function answer(options: Partial<WidgetTokenOptions>, cookie?: string, env: Record<string, unknown> = ENV) {
  const app = new Hono()
  app.all('/token', widgetToken({ ...BASE, ...options }))
  const log = spyOnLog()
  const headers: Record<string, string> = cookie === undefined ? {} : { Cookie: `session=${cookie}` }
  const response = await app.request('/token', { headers }, env)
  const body = (await response.json()) as { error?: { code: string } }
  return { status: response.status, code: body.error?.code, log: log() }
}

/** Every line logged from now on, at any level. */
function spyOnLog(): () => string {
  const spies = (['log', 'info', 'warn', 'error'] as const).map((level) => vi.spyOn(console, level))
  return () => spies.flatMap((spy) => spy.mock.calls.flat().map(String)).join('\n')
}

describe('Options nested under guests are checked like the others', () => {
  it.each([
    [{}, 'turnstile(): 1 problem: secret: is required'],
    [{ secret: undefined }, 'turnstile(): 1 problem: secret: is required'],
    [{ secrte: 'TURNSTILE' }, 'secrte: is not an option of turnstile(); did you mean secret?'],
    [null, 'options: must be an object of options (secret, verifyUrl) for turnstile()'],
    [{ verifyUrl: 'https://turnstile.example.com/siteverify' }, 'secret: is required'],
    [
      { secret: 'TURNSTILE', verifyUrl: 'http://turnstile.example.com/siteverify' },
      'verifyUrl: must be an https:// URL',
    ],
  ])('Should refuse a Turnstile check that would let guests through unchallenged: %j', (options, problem) => {
    expect(() => turnstile(options as never)).toThrow(problem)
  })

  it("Should refuse Turnstile's options where turnstile({ … }) belongs", () => {
    expect(problemsOf({ ...BASE, guests: { turnstile: { secret: 'TURNSTILE' } as never } })).toEqual([
      "guests.turnstile: must be turnstile({ secret: 'TURNSTILE_SECRET' })",
    ])
  })

  it.each([
    [
      { maping: [{ to: 'attributes.authenticated', value: 'false' }] },
      'guests.maping: is not an option of guests of widgetToken(); did you mean mapping?',
    ],
    [true, 'guests: must be an object of options (mapping, turnstile) for widgetToken()'],
    [null, 'guests: must be an object of options'],
  ])('Should refuse guests that would get a token without their attributes: %j', (guests, problem) => {
    expect(problemsOf({ ...BASE, guests }).join('\n')).toContain(problem)
  })

  it('Should still challenge guests with a Turnstile check written right', async () => {
    const guests = {
      mapping: [{ to: 'attributes.authenticated', value: 'false' }],
      turnstile: turnstile({ secret: 'TURNSTILE' }),
    }
    expect(await answer({ guests })).toMatchObject({ status: 403, code: 'TURNSTILE_FAILED' })
  })
})

describe('Calls that are not options at all', () => {
  it('Should refuse widgetToken() without options, coded, not with a TypeError of its own', () => {
    expect(problemsOf(undefined)).toEqual([
      expect.stringMatching(
        /^options: must be an object of options \(widgetId, session, secret, .*\) for widgetToken\(\)$/,
      ),
    ])
  })

  it('Should name widgetTokenFetch() in its own problems', () => {
    expect(() => widgetTokenFetch({ ...BASE, ttlSecond: 60 } as never)).toThrow(
      /^widgetTokenFetch\(\): 1 problem: ttlSecond: is not an option of widgetTokenFetch\(\); did you mean ttlSeconds\?/,
    )
  })

  it('Should refuse a cookie name no browser sends', () => {
    expect(() => jwtCookie({ cookie: 'my session', algorithms: ['HS256'], secret: 'SESSION_SECRET' })).toThrow(
      /^jwtCookie\(\): 1 problem: cookie: "my session" is not a cookie name/,
    )
  })
})

describe('What only the request can tell', () => {
  it('Should answer 500 CONFIG_INVALID, naming the option, when rateLimit names no binding', async () => {
    const result = await answer({ rateLimit: rateLimiter('TOKENS') }, await sessionCookie())
    expect(result).toMatchObject({ status: 500, code: 'CONFIG_INVALID' })
    expect(result.log).toContain('no rate limiter is bound as \\"TOKENS\\"')
  })

  it("Should refuse a binding's name where rateLimiter(name) belongs", () => {
    expect(problemsOf({ ...BASE, rateLimit: 'TOKENS' as never })).toEqual([
      "rateLimit: must be rateLimiter('NAME'), NAME a [[ratelimits]] binding",
    ])
    expect(() => rateLimiter('')).toThrow(/^rateLimiter\(\): 1 problem: binding: is empty/)
    // Only what the factory makes: an object of the right kind that cannot count is refused now, not per request.
    expect(problemsOf({ ...BASE, rateLimit: { kind: 'rateLimiter', binding: 'TOKENS' } as never })).toEqual([
      "rateLimit: must be rateLimiter('NAME'), NAME a [[ratelimits]] binding",
    ])
  })

  it('Should name the secret binding the env lacks, and the one it probably meant', async () => {
    const result = await answer({ secret: 'CONNECT_SECERT' }, await sessionCookie())
    expect(result).toMatchObject({ status: 500, code: 'CONFIG_INVALID' })
    expect(result.log).toContain('no secret is bound as \\"CONNECT_SECERT\\" (did you mean CONNECT_SECRET?)')
    expect(result.log).toContain('wrangler secret put CONNECT_SECERT')
  })

  it('Should name a secret function by its option when it returns nothing', async () => {
    const result = await answer({ secret: () => undefined }, await sessionCookie())
    expect(result).toMatchObject({ status: 500, code: 'CONFIG_INVALID' })
    expect(result.log).toContain('"key":"secret (a function)"')
    expect(result.log).toContain('the function returned no value')
  })

  it('Should say that a factory was passed where the source it makes belongs', () => {
    expect(problemsOf({ ...BASE, session: jwtCookie as never })).toEqual([
      'session: is a factory, not a session source: call it, as in jwtCookie({ … })',
    ])
  })

  it('Should say in the log that no origins are configured, when a page of another origin asks', async () => {
    const app = new Hono()
    app.all('/token', widgetToken(BASE))
    const log = spyOnLog()
    const response = await app.request('/token', { headers: { Origin: 'https://www.example.com' } }, ENV)
    expect(response.status).toBe(403)
    expect(log()).toContain('no_origins_configured')
  })
})

describe("A mapping function's mistakes are the app's, its visitors' data the visitor's", () => {
  const mapped =
    (mapping: WidgetTokenOptions['mapping']) =>
    async (claims: Record<string, unknown> = JANE) =>
      answer({ mapping }, await sessionCookie(claims))

  it('Should answer 500 INTERNAL_ERROR when it throws, logging its name and never its message (the claims)', async () => {
    const result = await mapped((claims) => {
      throw new RangeError(`cannot map ${JSON.stringify(claims)} with ${TEST_CONNECT_SECRET}`)
    })()
    expect(result).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' })
    expect(result.log).toContain('mapping_function_threw')
    expect(result.log).toContain('RangeError')
    expect(result.log).not.toContain(JANE.name)
    expect(result.log).not.toContain(JANE.sub)
  })

  it.each([
    ['a number', () => ({ attributes: { tier: 5 } }), 'mapping(): attributes.tier'],
    ['a name the widget refuses', () => ({ attributes: { 'member id': 'm-1' } }), 'mapping(): attributes.member id'],
    ['an unknown key', () => ({ attribute: { memberId: 'm-1' } }), 'mapping(): attribute'],
    ['not an object', () => 'm-1', 'mapping()'],
  ])('Should answer 500 CONFIG_INVALID for a result with %s, naming the field', async (_, mapping, key) => {
    const result = await mapped(mapping as never)()
    expect(result).toMatchObject({ status: 500, code: 'CONFIG_INVALID' })
    expect(result.log).toContain(`"key":"${key}"`)
  })

  it("Should answer 403 for a visitor's value out of its limits, and for an empty one", async () => {
    const fromClaim = mapped((claims) => ({ customerId: String(claims.name) }))
    expect(await fromClaim({ ...JANE, name: 'x'.repeat(129) })).toMatchObject({
      status: 403,
      code: 'SESSION_CLAIM_INVALID',
    })
    expect(await fromClaim({ ...JANE, name: '' })).toMatchObject({ status: 403, code: 'SESSION_CLAIM_MISSING' })
  })
})

describe('A required field needs text', () => {
  it('Should refuse a session whose required claim is empty, as if absent', async () => {
    const mapping = [{ to: 'attributes.memberId', claim: 'sub', required: true }]
    expect(await answer({ mapping }, await sessionCookie({ ...JANE, sub: '' }))).toMatchObject({
      status: 403,
      code: 'SESSION_CLAIM_MISSING',
    })
  })
})

// The new user's and the attacker's tries of the specs (issue 16): what they found, each refused.
describe('A secret where its name belongs, and secrets that fail', () => {
  it("Should never log a secret's value pasted where the binding's name belongs", async () => {
    const pasted = 'Xk9pQ2mL7vB4nR8tY1wZ3cF6hJ0gD5sA2eU4iO7yT1q'
    const result = await answer({ secret: pasted }, await sessionCookie())
    expect(result).toMatchObject({ status: 500, code: 'CONFIG_INVALID' })
    expect(result.log).toContain('is not written as binding names are')
    expect(result.log).not.toContain(pasted.slice(0, 8))
  })

  it('Should log only the name of the error a secret function throws, never its message', async () => {
    const secret = (env: Record<string, unknown>) => JSON.parse(String(env.WIDGET_KEY_JSON)).key as string
    const result = await answer({ secret }, await sessionCookie(), { ...ENV, WIDGET_KEY_JSON: 'SECRETwidgetkey' })
    expect(result).toMatchObject({ status: 500, code: 'CONFIG_INVALID' })
    expect(result.log).toContain('threw SyntaxError')
    expect(result.log).not.toContain('SECRET')
  })

  it('Should ask for a missing Turnstile secret on every guest request, with or without a response', async () => {
    const guests = { turnstile: turnstile({ secret: 'TURNSTILE_SECRT' }) }
    const result = await answer({ guests })
    expect(result).toMatchObject({ status: 500, code: 'CONFIG_INVALID' })
    expect(result.log).toContain('no secret is bound as \\"TURNSTILE_SECRT\\"')
  })
})

describe('Specs are what their factory made, and stay so', () => {
  it('Should freeze each spec, and keep the URL siteverify is called at to itself', () => {
    const specs = [
      turnstile({ secret: 'TURNSTILE' }),
      rateLimiter('TOKENS'),
      analyticsEngine('TOKEN_METRICS'),
      jwks('https://login.example.com/.well-known/jwks.json'),
    ]
    for (const spec of specs) expect(Object.isFrozen(spec)).toBe(true)
    const guard = turnstile({ secret: 'TURNSTILE', verifyUrl: 'https://turnstile.example.com/siteverify' })
    expect(() => {
      ;(guard as { require: unknown }).require = async () => {}
    }).toThrow(TypeError)
    guard.verifyUrl.href = 'http://attacker.example/siteverify'
    expect(turnstile({ secret: 'TURNSTILE' }).verifyUrl.href).toBe(
      'https://challenges.cloudflare.com/turnstile/v0/siteverify',
    )
  })

  it.each([
    ['a name of 100,000 characters', 'rateLimiter', 'A'.repeat(100_000)],
    ['a name with a quote', 'rateLimiter', 'A";B'],
    ['a name with a space', 'analyticsEngine', 'TOKEN METRICS'],
  ])('Should refuse %s when %s() is called', (_, factory, name) => {
    const make = factory === 'rateLimiter' ? rateLimiter : analyticsEngine
    expect(() => make(name)).toThrow(new RegExp(`^${factory}\\(\\): 1 problem: binding: must be the name of a binding`))
  })

  it('Should refuse a widget name that is not a string, which the log line and data point carry', () => {
    expect(problemsOf({ ...BASE, name: Symbol('support') as never })).toEqual(['name: must be a string'])
  })

  it('Should name the rate limiter the env has when the one named is not bound', async () => {
    const result = await answer({ rateLimit: rateLimiter('TOKEN') }, await sessionCookie(), {
      ...ENV,
      TOKENS: { limit: async () => ({ success: true }) },
    })
    expect(result).toMatchObject({ status: 500, code: 'CONFIG_INVALID' })
    expect(result.log).toContain('no rate limiter is bound as \\"TOKEN\\" (did you mean TOKENS?)')
  })
})

describe('Vars without their readers', () => {
  it('Should refuse to read vars that name a guard without the readers of guards, never leaving the guard out', () => {
    const vars = fromVars({ WIDGET_ID: 'w', RATE_LIMIT_BINDING: 'TOKENS' }, WIDGET_VARS, { secretsGiven: false })
    expect(() => readWidgetSettings(vars, new ConfigProblems())).toThrow(
      'vars are read with the readers of their guards (WidgetMakers)',
    )
  })
})
