/**
 * @module Sessions as a JWT in a cookie the site already sets, verified here with jose: the
 * default source (`SESSION_SOURCE = "jwt"`), or `jwtCookie({ … })` in your own app.
 */
import { readCookieName } from './cookies.ts'
import { jwksSpec } from './jwks.ts'
import {
  checkJwtKeys,
  JWT_OPTIONS,
  JWT_VARS,
  type JwtOptions,
  type JwtSettings,
  jwtVerifier,
  type KeySpecMakers,
  readJwtSettings,
  usesSecret,
} from './jwt-settings.ts'
import { publicKeySpec } from './public-key.ts'
import { type SessionRecipe, sourceFromOptions } from './recipe.ts'
import { eachCookie, oneVisitor, type SessionSource } from './source.ts'
import { verifySessionCookie } from './verify.ts'

export interface JwtCookieOptions extends JwtOptions {
  /** The session cookie's name (default `session`); prefer a `__Host-` name where the layout allows. */
  cookie?: string
}

// `keys` is an option only (a spec): no var holds one. Merged by a call marked pure, as a spread is not.
const VARS = /* @__PURE__ */ Object.assign({ cookie: 'SESSION_COOKIE' } as const, JWT_VARS, { keys: '' } as const)

type Name = keyof typeof VARS

export interface JwtCookieSettings extends JwtSettings {
  cookie: string
}

/** The JWT cookie's recipe, reading keys as `makers` turn text into specs, and vars by `vars`' names. */
function jwtCookieRecipe(
  makers: KeySpecMakers,
  vars: Readonly<Record<Name, string>>,
): SessionRecipe<Name, JwtCookieSettings> {
  return {
    name: 'jwt',
    vars,
    options: ['cookie', ...JWT_OPTIONS],
    secrets: (input) => ({ needed: usesSecret(input) ? [input.key('secret')] : [], optional: [] }),
    read(input, problems) {
      const cookie = problems.read(() => readCookieName(input))
      const jwt = readJwtSettings(input, problems, makers)
      return cookie && jwt ? { ...jwt, cookie } : undefined
    },
    check: (settings, _input, problems) => checkJwtKeys(settings, problems),
    create: jwtCookieSource,
  }
}

/**
 * The standalone Worker's: a public key or a JWKS by text (`SESSION_PUBLIC_KEY`,
 * `SESSION_JWKS_URL`), so it brings their modules. A library user's options hold a spec
 * instead (`keys: jwks(url)`), which brings its own: an app that verifies HS256 sessions
 * bundles no key parsing nor fetching.
 */
export const JWT_COOKIE = /* @__PURE__ */ jwtCookieRecipe({ publicKey: publicKeySpec, jwks: jwksSpec }, VARS)
// Options are read under their own names (`options` lists them): no var names to carry into an app's bundle.
const JWT_COOKIE_OPTIONS = /* @__PURE__ */ jwtCookieRecipe({}, {} as Record<Name, string>)

function jwtCookieSource(settings: JwtCookieSettings): SessionSource {
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
}

/** A JWT cookie verified here: options checked now, every mistake at once. */
export function jwtCookie(options: JwtCookieOptions): SessionSource {
  return sourceFromOptions(JWT_COOKIE_OPTIONS, options, 'jwtCookie')
}
