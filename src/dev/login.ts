/**
 * @module Demo sessions for trying the token flow locally: `/dev/login`, `/dev/logout` and,
 * with a public-key session source, `/dev/jwks.json`. Mounted only by the development entry
 * (`src/dev.ts`), never by production builds; when only the site can make sessions, the first
 * two answer `409 DEV_LOGIN_UNAVAILABLE`.
 *
 * `GET /dev/login` takes claims from the query (dotted names nest: `profile.tier=gold`;
 * `omit=email,profile.tier` leaves demo claims out); `POST /dev/login` takes the claims as a
 * JSON object. The issuer, audience and lifetime come from configuration, so the cookie
 * passes verification; a session that would not fit in a cookie is refused
 * (`422 DEV_SESSION_TOO_LARGE`), since a browser would drop it.
 */
import type { Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { SignJWT } from 'jose'
import type { App } from '../app.ts'
import type { Config } from '../config/index.ts'
import { isRecord } from '../config/values.ts'
import { MAX_COOKIE_BYTES } from '../constants.ts'
import type { JwtCookieSettings } from '../session/jwt-cookie.ts'
import type { DemoSigner } from './demo-signer.ts'
import { DevRouteError } from './errors.ts'

export const DEMO_CLAIMS: Record<string, unknown> = {
  sub: 'member-123456789',
  name: 'Jane Doe',
  email: 'jane@example.com',
  profile: { tier: 'gold' },
}

/** Claims the server controls, so that a demo session is always a valid one. */
const RESERVED_CLAIMS = new Set(['iss', 'aud', 'exp', 'nbf', 'iat', 'jti'])

const DEMO_SESSION_SECONDS = 3600

const encoder = new TextEncoder()

/**
 * Every demo session is `Secure` with `Path=/` and no `Domain`, as a `__Host-` name requires.
 * Browsers keep `Secure` cookies from http://localhost, a secure context, but never from a
 * page on another name over http: a DNS-rebinding page that gets past the host check (wrangler
 * believes a forged `MF-Original-URL`) is issued a session its browser drops.
 */
const COOKIE_SCOPE = { path: '/', secure: true } as const

export function mountDevLogin(app: App, config: Config, signer: DemoSigner): void {
  const session = config.source.settings as JwtCookieSettings
  const cookieName = session.cookie
  const signIn = async (c: Context, claims: Record<string, unknown>) => {
    let jwt = new SignJWT(claims).setIssuedAt().setExpirationTime(`${DEMO_SESSION_SECONDS}s`)
    if (session.issuer) jwt = jwt.setIssuer(session.issuer)
    if (session.audience) jwt = jwt.setAudience(session.audience)
    const value = await signer.sign(jwt)
    // A browser drops a larger cookie without a word, and the page would say "Signed in".
    const bytes = encoder.encode(`${cookieName}=${value}`).byteLength - 1
    if (bytes > MAX_COOKIE_BYTES) {
      throw new DevRouteError('DEV_SESSION_TOO_LARGE', `session_cookie_${bytes}_bytes`)
    }
    setCookie(c, cookieName, value, {
      ...COOKIE_SCOPE,
      httpOnly: true,
      sameSite: 'Lax',
      maxAge: DEMO_SESSION_SECONDS,
    })
    c.header('Cache-Control', 'no-store')
    return c.json({
      session: 'issued',
      cookie: cookieName,
      bytes,
      maxBytes: MAX_COOKIE_BYTES,
      claims,
      next: config.widgets[0].tokenPath,
    })
  }

  app.get('/dev/login', (c) => signIn(c, claimsFromQuery(c.req.queries())))
  app.post('/dev/login', async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined)
    if (!isRecord(body)) throw new DevRouteError('DEV_REQUEST_INVALID', 'claims_not_a_json_object')
    return signIn(c, withoutReserved(body))
  })
  app.on(['GET', 'POST'], '/dev/logout', (c) => {
    deleteCookie(c, cookieName, COOKIE_SCOPE)
    c.header('Cache-Control', 'no-store')
    return c.json({ session: 'ended', cookie: cookieName })
  })
  if (signer.jwks) {
    const jwks = signer.jwks
    app.get('/dev/jwks.json', (c) => c.json(jwks))
  }
}

/**
 * With sessions only the site makes (a provider's cookies, an opaque cookie the site or KV
 * resolves), there is nothing to sign: `/dev/login` and `/dev/logout` say so with a code, so
 * that a 404 does not read as "the development entry is not running".
 */
export function mountSiteSignInOnly(app: App, config: Config): void {
  const reason = `sessions_from_${config.source.recipe.name}`
  app.on(['GET', 'POST'], ['/dev/login', '/dev/logout'], () => {
    throw new DevRouteError('DEV_LOGIN_UNAVAILABLE', reason)
  })
}

function claimsFromQuery(query: Record<string, string[]>): Record<string, unknown> {
  const claims = structuredClone(DEMO_CLAIMS)
  const omitted = (query.omit?.[0] ?? '').split(',').filter(Boolean)
  for (const name of omitted) setPath(claims, name.split('.'), undefined)
  for (const [name, values] of Object.entries(query)) {
    if (name !== 'omit') setPath(claims, name.split('.'), values[0])
  }
  return withoutReserved(claims)
}

function withoutReserved(claims: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([name]) => !RESERVED_CLAIMS.has(name)))
}

/** Sets (or with `undefined`, removes) a nested claim; odd paths are ignored. */
function setPath(claims: Record<string, unknown>, path: string[], value: string | undefined): void {
  if (path.some((part) => part === '' || part === '__proto__')) return
  let node = claims
  for (const part of path.slice(0, -1)) {
    if (!isRecord(node[part])) {
      if (value === undefined) return
      node[part] = {}
    }
    node = node[part] as Record<string, unknown>
  }
  const last = path[path.length - 1]
  if (value === undefined) delete node[last]
  else node[last] = value
}
