/**
 * @module "Who is this visitor?", whatever the site's sessions are: a JWT cookie verified
 * here, an opaque cookie the site's own "who is this?" URL answers for, a record in a KV
 * namespace, or an identity provider's cookies. Each source says: a visitor with claims, or
 * nobody signed in, or (throwing a coded error) a cookie that is forged or cannot be checked now.
 *
 * Every source goes through one rule for several copies of its session (`oneVisitor`): a
 * sibling subdomain can plant a second cookie of the name ("cookie tossing"), and browsers send
 * it first. Copies are compared by what the token would carry for each (the widget's mapping of
 * its claims), not by one claim: more than one distinct identity is `401 SESSION_AMBIGUOUS`.
 */
import { MAX_SESSION_COOKIES } from '../constants'
import { TokenServiceError } from '../errors'
import type { CookieCopy, CookieJar } from './cookies'
import type { SessionClaims } from './verify'

export type Identity = { kind: 'visitor'; claims: SessionClaims } | { kind: 'anonymous'; why: string }

/** What a source is given for one request. */
export interface IdentifyContext {
  cookies: CookieJar
  env: Record<string, unknown>
  /** What the token would carry for these claims: copies that agree on it are one visitor. */
  identityOf(claims: SessionClaims): string
  /** Awaited before any call to another host on this request's behalf (the rate limit runs then). */
  beforeLookup(): Promise<void>
}

export interface SessionSource {
  identify(context: IdentifyContext): Promise<Identity>
}

/** One copy of a session, identified when asked. */
export type SessionCopy = () => Promise<Identity>

/** Each cookie copy as a session copy: a refused copy (oversized, bad characters) fails as it is. */
export function eachCookie(copies: readonly CookieCopy[], identifyOne: (value: string) => Promise<Identity>) {
  return copies.map(
    (copy): SessionCopy =>
      () =>
        'refused' in copy ? Promise.reject(copy.refused) : identifyOne(copy.value),
  )
}

/**
 * The one rule for several copies. None: nobody is signed in (`signedOut` says why). One: its
 * own answer. Several: every copy is identified; visitors whose claims give different
 * identities are refused (one was planted); otherwise the visitor they agree on, and with no
 * visitor at all, the first copy's answer. A copy that fails (forged, expired) never outweighs
 * one that identifies the visitor.
 */
export async function oneVisitor(
  copies: readonly SessionCopy[],
  context: Pick<IdentifyContext, 'identityOf'>,
  signedOut: string,
): Promise<Identity> {
  if (copies.length === 0) return { kind: 'anonymous', why: signedOut }
  if (copies.length > MAX_SESSION_COOKIES) {
    throw new TokenServiceError('SESSION_INVALID', 'too_many_session_cookies', { log: { cookies: copies.length } })
  }
  // The usual case, one copy, is its own answer: nothing to compare it with.
  if (copies.length === 1) return copies[0]()
  const results = await Promise.allSettled(copies.map((copy) => copy()))
  const visitors = results.flatMap((result) =>
    result.status === 'fulfilled' && result.value.kind === 'visitor' ? [result.value] : [],
  )
  const identities = new Set(visitors.map((visitor) => context.identityOf(visitor.claims)))
  if (identities.size > 1) {
    throw new TokenServiceError('SESSION_AMBIGUOUS', 'session_copies_for_different_visitors', {
      log: { cookies: copies.length, visitors: visitors.length },
    })
  }
  if (visitors.length > 0) return visitors[0]
  const first = results[0]
  if (first.status === 'rejected') throw first.reason
  return first.value
}
