/**
 * @module Sessions as a JWT in a cookie the site already sets, verified here with jose: the
 * default source (`SESSION_SOURCE = "jwt"`), or `jwtCookie({ … })` in your own app.
 */
import { readCookieName } from './cookies.ts'
import {
  checkJwtKeys,
  JWT_VARS,
  type JwtOptions,
  type JwtSettings,
  jwtKeyKind,
  jwtVerifier,
  readJwtSettings,
} from './jwt-settings.ts'
import { type SessionRecipe, sourceFromOptions } from './recipe.ts'
import { eachCookie, oneVisitor, type SessionSource } from './source.ts'
import { verifySessionCookie } from './verify.ts'

export interface JwtCookieOptions extends JwtOptions {
  /** The session cookie's name (default `session`); prefer a `__Host-` name where the layout allows. */
  cookie?: string
}

const VARS = { cookie: 'SESSION_COOKIE', ...JWT_VARS } as const

type Name = keyof typeof VARS

export interface JwtCookieSettings extends JwtSettings {
  cookie: string
}

export const JWT_COOKIE: SessionRecipe<Name, JwtCookieSettings> = {
  name: 'jwt',
  vars: VARS,
  secrets: (input) => ({ needed: jwtKeyKind(input) === 'secret' ? [input.key('secret')] : [], optional: [] }),
  read(input, problems) {
    const cookie = problems.read(() => readCookieName(input))
    const jwt = readJwtSettings(input, problems)
    return cookie && jwt ? { ...jwt, cookie } : undefined
  },
  check: (settings, input, problems) => checkJwtKeys(settings, problems, input.key('publicKey')),
  create(settings) {
    const verifier = jwtVerifier(settings)
    return {
      kind: 'jwt',
      settings,
      async identify(context) {
        const config = await verifier(context.env, context.cacheScope)
        const copies = eachCookie(context.cookies.copies(settings.cookie), async (cookie) => ({
          kind: 'visitor',
          claims: await verifySessionCookie(cookie, config),
        }))
        return oneVisitor(copies, context, 'no_session_cookie')
      },
    }
  },
}

/** A JWT cookie verified here: options checked now, every mistake at once. */
export function jwtCookie(options: JwtCookieOptions): SessionSource {
  return sourceFromOptions(JWT_COOKIE, options, 'jwtCookie')
}
