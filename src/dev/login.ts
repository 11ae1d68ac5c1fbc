/**
 * @module `GET /dev/login`: issues a demo session cookie so the token flow can be tried
 * locally. Mounted only by the development entry (`src/dev.ts`), never by production builds.
 *
 * Query parameters set claims; dotted names nest (`profile.tier=gold`). The issuer,
 * audience and lifetime come from configuration, so the cookie passes verification.
 */
import { setCookie } from 'hono/cookie'
import { SignJWT } from 'jose'
import type { AppExtension } from '../app'
import { logEvent } from '../log'

const DEMO_CLAIMS: Record<string, string> = {
  sub: 'member-123456789',
  name: 'Jane Doe',
  email: 'jane@example.com',
  'profile.tier': 'gold',
}

/** Claims the server controls, so that a demo session is always a valid one. */
const RESERVED_CLAIMS = new Set(['iss', 'aud', 'exp', 'nbf', 'iat', 'jti'])

const DEMO_SESSION_SECONDS = 3600

export const mountDevLogin: AppExtension = (app, config) => {
  const { session } = config
  if (session.keySource.kind !== 'secret') {
    logEvent('warn', 'dev_login_unavailable', { why: 'needs SESSION_SECRET (HS256/384/512 sessions)' })
    return
  }
  const secret = new TextEncoder().encode(session.keySource.secret)
  const algorithm = session.algorithms[0]

  app.get('/dev/login', async (c) => {
    const claims = demoClaims(c.req.queries())
    let jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime(`${DEMO_SESSION_SECONDS}s`)
    if (session.issuer) jwt = jwt.setIssuer(session.issuer)
    if (session.audience) jwt = jwt.setAudience(session.audience)
    setCookie(c, session.cookieName, await jwt.sign(secret), {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      maxAge: DEMO_SESSION_SECONDS,
    })
    c.header('Cache-Control', 'no-store')
    return c.json({ session: 'issued', cookie: session.cookieName, claims, next: config.tokenPath })
  })
}

function demoClaims(query: Record<string, string[]>): Record<string, unknown> {
  const claims: Record<string, unknown> = {}
  const given = { ...DEMO_CLAIMS, ...Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v[0]])) }
  for (const [name, value] of Object.entries(given)) {
    const path = name.split('.')
    if (RESERVED_CLAIMS.has(path[0]) || path.some((part) => part === '' || part === '__proto__')) continue
    let node = claims
    for (const part of path.slice(0, -1)) {
      node[part] = typeof node[part] === 'object' && node[part] !== null ? node[part] : {}
      node = node[part] as Record<string, unknown>
    }
    node[path[path.length - 1]] = value
  }
  return claims
}
