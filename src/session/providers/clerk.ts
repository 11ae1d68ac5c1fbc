/**
 * @module Clerk sessions: a short-lived (60 s) RS256 JWT in `__session` with the client's
 * last update time in `__client_uat` (both suffixed with a hash of the publishable key,
 * `__session_<suffix>`, when several Clerk apps share a domain). `__client_uat` absent or
 * `0`: signed out. A token issued before the client's last update is stale (the user signed
 * out or switched), as is an expired one: Clerk's browser SDK refreshes it and the widget
 * asks again. `azp` must name one of the authorized parties (the site's origins).
 */
import { TokenServiceError } from '../../errors'
import { onlyCookie } from '../cookies'
import { claimNumber } from '../exact-json'
import type { Identity } from '../source'
import { type SessionConfig, verifySessionCookie } from '../verify'

export interface ClerkConfig {
  provider: 'clerk'
  /** `clerk.example.com`: the issuer's host, from the publishable key. */
  frontendApi: string
  /** The publishable key's cookie suffix: the first 8 characters of its SHA-1, base64url. */
  cookieSuffix: string
  authorizedParties: string[]
}

/** `pk_test_…` / `pk_live_…`: base64 of the frontend API host followed by `$`. */
export function frontendApiOf(publishableKey: string): string | undefined {
  const match = /^pk_(test|live)_([A-Za-z0-9+/=_-]+)$/.exec(publishableKey)
  if (!match) return undefined
  try {
    const decoded = atob(match[2].replaceAll('-', '+').replaceAll('_', '/'))
    return decoded.endsWith('$') && /^[a-z0-9.-]+$/.test(decoded.slice(0, -1)) ? decoded.slice(0, -1) : undefined
  } catch {
    return undefined
  }
}

export async function clerkCookieSuffix(publishableKey: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(publishableKey))
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .slice(0, 8)
}

export function clerkSource(config: ClerkConfig, session: SessionConfig) {
  return async function identifyClerkUser(request: Request): Promise<Identity> {
    const header = request.headers.get('Cookie') ?? undefined
    const read = (name: string) => onlyCookie(header, `${name}_${config.cookieSuffix}`) ?? onlyCookie(header, name)
    const clientUat = read('__client_uat')
    if (clientUat === undefined || clientUat === '0') return { kind: 'anonymous', why: 'clerk_signed_out' }
    const token = read('__session')
    if (token === undefined) return { kind: 'anonymous', why: 'clerk_no_session' }
    const claims = await verifySessionCookie(token, session)
    if (typeof claims.azp !== 'string' || !config.authorizedParties.includes(claims.azp)) {
      throw new TokenServiceError('SESSION_INVALID', 'clerk_azp_not_authorized')
    }
    if ((claimNumber(claims.iat) ?? 0) < Number(clientUat)) {
      throw new TokenServiceError('SESSION_EXPIRED', 'clerk_token_older_than_client')
    }
    return { kind: 'visitor', claims }
  }
}
