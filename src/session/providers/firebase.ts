/**
 * @module Firebase Auth session cookies (the Admin SDK's `createSessionCookie`), under the
 * site's own cookie name (`SESSION_COOKIE`; `__session` on Firebase Hosting): RS256 with
 * `kid`, its keys Google's X.509 certificates (a `kid` → PEM map whose `Cache-Control`
 * max-age is honoured) or a JWKS; `iss = https://session.firebase.google.com/<projectId>`,
 * `aud = <projectId>`, a non-empty `sub`, and an `auth_time` that is not ahead.
 */
import { requiredMatching } from '../../config/values.ts'
import { TokenServiceError } from '../../errors.ts'
import { readCookieName } from '../cookies.ts'
import { claimNumber } from '../exact-json.ts'
import { type JwtSettings, jwtVerifier } from '../jwt-settings.ts'
import { type SessionRecipe, sourceFromOptions } from '../recipe.ts'
import { eachCookie, type Identity, oneVisitor, type SessionSource } from '../source.ts'
import { type SessionConfig, verifySessionCookie } from '../verify.ts'
import { PROVIDER_JWT_VARS, type ProviderJwtOptions, readProviderJwt } from './jwt-provider.ts'

export interface FirebaseOptions extends ProviderJwtOptions {
  /** The Firebase project id (the session cookie's `aud`). */
  projectId: string
  /** The name your site sets the session cookie under (default `session`; Firebase Hosting passes only `__session`). */
  cookie?: string
}

const VARS = { projectId: 'FIREBASE_PROJECT_ID', cookie: 'SESSION_COOKIE', ...PROVIDER_JWT_VARS } as const

export interface FirebaseSettings {
  projectId: string
  cookie: string
  jwt: JwtSettings
}

/** Google's certificates for session cookies. */
export const FIREBASE_SESSION_KEYS_URL = 'https://www.googleapis.com/identitytoolkit/v3/relyingparty/publicKeys'

/** Firebase project ids: 6–30 lowercase letters, digits and hyphens. */
export const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/

export const FIREBASE: SessionRecipe<keyof typeof VARS, FirebaseSettings> = {
  name: 'firebase',
  vars: VARS,
  secrets: () => ({ needed: [], optional: [] }),
  read(input, problems) {
    const own = problems.fields({
      projectId: () => {
        return requiredMatching(
          input.key('projectId'),
          input.value('projectId'),
          PROJECT_ID,
          'must be a Firebase project id such as "my-app-1234"',
        )
      },
      cookie: () => readCookieName(input),
    })
    if (!own) return undefined
    const jwt = readProviderJwt(input, problems, {
      algorithms: ['RS256'],
      issuer: `https://session.firebase.google.com/${own.projectId}`,
      jwksUrl: FIREBASE_SESSION_KEYS_URL,
      audience: [own.projectId],
    })
    return jwt && { ...own, jwt }
  },
  create: (settings) => firebaseSource(settings),
}

/** Firebase Auth session cookies: options checked now, every mistake at once. */
export function firebase(options: FirebaseOptions): SessionSource {
  return sourceFromOptions(FIREBASE, options, 'firebase')
}

function firebaseSource(config: FirebaseSettings): SessionSource {
  const verifier = jwtVerifier(config.jwt)
  async function identifyOne(cookie: string, session: SessionConfig): Promise<Identity> {
    const claims = await verifySessionCookie(cookie, session)
    if (typeof claims.sub !== 'string' || claims.sub === '') {
      throw new TokenServiceError('SESSION_INVALID', 'firebase_without_subject')
    }
    const authTime = claimNumber(claims.auth_time)
    if (authTime === undefined || authTime > Date.now() / 1000 + session.clockToleranceSeconds) {
      throw new TokenServiceError('SESSION_INVALID', 'firebase_auth_time_invalid')
    }
    return { kind: 'visitor', claims }
  }
  return {
    kind: 'firebase',
    settings: config,
    async identify(context) {
      const session = await verifier(context.env, context.cacheScope)
      const copies = eachCookie(context.cookies.copies(config.cookie), (cookie) => identifyOne(cookie, session))
      return oneVisitor(copies, context, 'firebase_signed_out')
    },
  }
}
