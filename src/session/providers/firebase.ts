/**
 * @module Firebase Auth session cookies (the Admin SDK's `createSessionCookie`), under the
 * site's own cookie name (`SESSION_COOKIE`; `__session` on Firebase Hosting): RS256 with
 * `kid`, its keys Google's X.509 certificates (a `kid` → PEM map whose `Cache-Control`
 * max-age is honoured) or a JWKS; `iss = https://session.firebase.google.com/<projectId>`,
 * `aud = <projectId>`, a non-empty `sub`, and an `auth_time` that is not ahead.
 */
import { TokenServiceError } from '../../errors'
import { claimNumber } from '../exact-json'
import { eachCookie, type Identity, oneVisitor, type SessionSource } from '../source'
import { type SessionConfig, verifySessionCookie } from '../verify'

export interface FirebaseConfig {
  provider: 'firebase'
  projectId: string
}

/** Google's certificates for session cookies. */
export const FIREBASE_SESSION_KEYS_URL = 'https://www.googleapis.com/identitytoolkit/v3/relyingparty/publicKeys'

/** Firebase project ids: 6–30 lowercase letters, digits and hyphens. */
export const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/

export function firebaseIssuer(projectId: string): string {
  return `https://session.firebase.google.com/${projectId}`
}

export function firebaseSource(cookieName: string, session: SessionConfig): SessionSource {
  async function identifyOne(cookie: string): Promise<Identity> {
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
    identify: (context) =>
      oneVisitor(eachCookie(context.cookies.copies(cookieName), identifyOne), context, 'firebase_signed_out'),
  }
}
