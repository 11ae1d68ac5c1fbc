import fc from 'fast-check'
import { base64url, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../src/errors'
import { TEST_SESSION_SECRET } from '../support/secrets'
import { BASE, DEMO_AUDIENCE, DEMO_ISSUER, fetchWorker } from './helpers'

/**
 * Property-based fuzzing of everything a request carries: the Cookie header, the session's
 * JOSE header and claims, Origin, method and path. Whatever arrives, the answer is a
 * documented status with a JSON error body, never a 5xx, and never a token unless the
 * session is valid. fast-check prints the seed and path of any failure to replay it.
 */
const RUNS = 250
const ALLOWED_ORIGIN = 'http://localhost:8080'
const DOCUMENTED = new Set([200, 204, 401, 403, 404, 405, 422])
const encoder = new TextEncoder()
const now = () => Math.floor(Date.now() / 1000)

const jsonObject = fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 })

/** Mostly the given value, sometimes anything: enough valid sessions to reach the token. */
const mostly = <T>(value: T, other: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: fc.constant(value), weight: 3 }, { arbitrary: other, weight: 1 })

/** Time claims as an attacker would write them. */
const timeClaim = fc.oneof(
  fc.constantFrom(now() + 3600, now() - 3600, 0, -1, 1e308, Number.MAX_SAFE_INTEGER, 1.5),
  fc.integer(),
  fc.string({ maxLength: 5 }),
  fc.constant(null),
)

const sessionClaims = fc.record(
  {
    sub: mostly('member-1', fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.constant(null), jsonObject)),
    name: mostly('Jane', fc.oneof(fc.string({ maxLength: 40 }), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }))),
    iss: mostly(DEMO_ISSUER, fc.string({ maxLength: 20 })),
    aud: mostly(DEMO_AUDIENCE, fc.oneof(fc.constant([DEMO_AUDIENCE, 'x']), fc.string({ maxLength: 20 }))),
    exp: mostly(now() + 3600, timeClaim),
    nbf: mostly(now() - 10, timeClaim),
    iat: mostly(now() - 10, timeClaim),
    profile: jsonObject,
  },
  { requiredKeys: ['sub', 'name', 'iss', 'aud', 'exp'] },
)

const joseHeader = fc.record(
  {
    alg: fc.oneof(fc.constantFrom('none', 'HS256', 'HS384', 'HS512', 'RS256', 'ES256', 'EdDSA'), fc.string()),
    typ: fc.constantFrom('JWT', 'jwt', 'at+jwt'),
    kid: fc.string({ maxLength: 10 }),
    crit: fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
    b64: fc.boolean(),
    jku: fc.webUrl(),
  },
  { requiredKeys: ['alg'] },
)

const b64json = (value: unknown) => base64url.encode(encoder.encode(JSON.stringify(value)))

/** A session signed with the site's real secret: valid or not depending on its claims. */
const genuineSession = sessionClaims.map(async (claims) => ({
  cookie: await new SignJWT(claims as Record<string, unknown>)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(encoder.encode(TEST_SESSION_SECRET)),
  claims: claims as Record<string, unknown>,
}))

/** Anything else: unsigned, signed with another key, or shaped at random. Never valid. */
const forgedSession = fc.oneof(
  fc
    .tuple(joseHeader, sessionClaims, fc.string({ maxLength: 60 }))
    .map(([h, c, sig]) => `${b64json(h)}.${b64json(c)}.${sig}`),
  fc.tuple(joseHeader, sessionClaims).map(([h, c]) => `${b64json(h)}.${b64json(c)}.`),
  fc.string({ maxLength: 200 }),
  fc.stringMatching(/^[A-Za-z0-9_.=%-]{0,300}$/),
)

function request(cookie: string | undefined, init: { origin?: string; method?: string; path?: string } = {}) {
  const headers = new Headers()
  if (cookie !== undefined) headers.set('Cookie', cookie)
  if (init.origin !== undefined) headers.set('Origin', init.origin)
  return new Request(`${BASE}${init.path ?? '/token'}`, { method: init.method ?? 'GET', headers })
}

/** The invariants every answer keeps; returns the answer's status. */
async function expectDocumentedAnswer(response: Response, method: string): Promise<number> {
  expect(DOCUMENTED, `status ${response.status}`).toContain(response.status)
  if (response.status === 200 || response.status === 204 || method === 'HEAD') return response.status
  const body = (await response.json()) as { error: { code: keyof typeof ERROR_CODES; message: string } }
  expect(ERROR_CODES[body.error.code]?.status).toBe(response.status)
  expect(body.error.message).toBe(ERROR_CODES[body.error.code].message)
  return response.status
}

/** A genuine session is valid only with the demo issuer and audience and a future, real `exp`. */
function plausiblyValid(claims: Record<string, unknown>): boolean {
  const aud = claims.aud
  const audienceOk = aud === DEMO_AUDIENCE || (Array.isArray(aud) && aud.includes(DEMO_AUDIENCE))
  const exp = claims.exp
  return claims.iss === DEMO_ISSUER && audienceOk && Number.isInteger(exp) && (exp as number) > now() - 60
}

describe('Fuzzing the token endpoint', () => {
  it('Should never issue a token for a forged, unsigned or garbage session cookie', async () => {
    await fc.assert(
      fc.asyncProperty(
        forgedSession,
        fc.constantFrom('session=', 'session="', 'other=x; session='),
        async (value, prefix) => {
          const response = await fetchWorker(request(`${prefix}${value}`))
          expect(await expectDocumentedAnswer(response, 'GET')).not.toBe(200)
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('Should issue a token for a genuine session only when its claims make it valid', async () => {
    let issued = 0
    await fc.assert(
      fc.asyncProperty(genuineSession, async (session) => {
        const { cookie, claims } = await session
        const response = await fetchWorker(request(`session=${cookie}`))
        if ((await expectDocumentedAnswer(response.clone(), 'GET')) !== 200) return
        issued += 1
        expect(plausiblyValid(claims)).toBe(true)
        const jwt = ((await response.json()) as { data: string }).data
        const token = JSON.parse(new TextDecoder().decode(base64url.decode(jwt.split('.')[1])))
        expect(Object.values(token.attributes ?? {}).every((value) => typeof value === 'string')).toBe(true)
        expect(token.exp - token.iat).toBeLessThanOrEqual(600)
      }),
      { numRuns: RUNS },
    )
    // The property must have met valid sessions too, not only refusals.
    expect(issued).toBeGreaterThan(RUNS / 20)
  })

  it('Should issue a token only for the one identity every copy agrees on, never beside an expired copy', async () => {
    // Visitors as the demo mapping sees them (memberId = sub, name); the third shares a sub.
    const visitors = [
      { sub: 'member-1', name: 'Ann' },
      { sub: 'member-2', name: 'Bob' },
      { sub: 'member-1', name: 'Mallory' },
    ]
    const copy = fc.record({
      visitor: fc.constantFrom(...visitors),
      kind: fc.constantFrom('valid', 'valid', 'expired', 'forged'),
    })
    await fc.assert(
      fc.asyncProperty(fc.array(copy, { minLength: 1, maxLength: 4 }), async (copies) => {
        const values = await Promise.all(
          copies.map(({ visitor, kind }) => {
            const jwt = new SignJWT(visitor)
              .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
              .setIssuer(DEMO_ISSUER)
              .setAudience(DEMO_AUDIENCE)
              .setExpirationTime(kind === 'expired' ? now() - 3600 : now() + 3600)
            return jwt.sign(encoder.encode(kind === 'forged' ? 'an attacker-chosen secret' : TEST_SESSION_SECRET))
          }),
        )
        const response = await fetchWorker(request(values.map((value) => `session=${value}`).join('; ')))
        const valid = new Set(
          copies.filter(({ kind }) => kind === 'valid').map(({ visitor }) => JSON.stringify(visitor)),
        )
        const code =
          response.status === 200
            ? undefined
            : ((await response.clone().json()) as { error: { code: string } }).error.code
        if (valid.size > 1) {
          expect(code).toBe('SESSION_AMBIGUOUS')
          return
        }
        // Without a valid copy, the first copy's own answer.
        if (valid.size === 0) {
          expect(code).toBe(copies[0].kind === 'expired' ? 'SESSION_EXPIRED' : 'SESSION_INVALID')
          return
        }
        // An expired copy could be the visitor's own: a valid one beside it (planted) never wins.
        if (copies.some(({ kind }) => kind === 'expired')) {
          expect(code).toBe('SESSION_EXPIRED')
          return
        }
        const jwt = ((await response.json()) as { data: string }).data
        const { attributes } = JSON.parse(new TextDecoder().decode(base64url.decode(jwt.split('.')[1])))
        expect(valid).toEqual(new Set([JSON.stringify({ sub: attributes.memberId, name: attributes.name })]))
      }),
      { numRuns: RUNS },
    )
  })

  it('Should answer any Cookie header, Origin, method and path with a documented code', async () => {
    const anyCookie = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 300 }),
      fc.array(forgedSession, { maxLength: 6 }).map((values) => values.map((value) => `session=${value}`).join('; ')),
    )
    const origin = fc.oneof(
      fc.constant(undefined),
      fc.constant(ALLOWED_ORIGIN),
      fc.constant('null'),
      fc.webUrl(),
      fc.string(),
    )
    const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'PROPFIND')
    const path = fc.oneof(fc.constantFrom('/token', '/token/', '/TOKEN', '/dev/login', '/'), fc.webPath())
    await fc.assert(
      fc.asyncProperty(anyCookie, origin, method, path, async (cookie, originValue, methodValue, pathValue) => {
        let outgoing: Request
        try {
          outgoing = request(cookie, { origin: originValue, method: methodValue, path: pathValue })
        } catch {
          return // a header value fetch itself refuses to send
        }
        const response = await fetchWorker(outgoing)
        expect(await expectDocumentedAnswer(response, methodValue)).not.toBe(200)
        const allowOrigin = response.headers.get('Access-Control-Allow-Origin')
        if (allowOrigin !== null) expect(allowOrigin).toBe(ALLOWED_ORIGIN)
      }),
      { numRuns: RUNS },
    )
  })
})
