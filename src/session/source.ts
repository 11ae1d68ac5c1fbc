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
import { MAX_SESSION_COOKIES } from '../constants.ts'
import { TokenServiceError } from '../errors.ts'
import type { CookieCopy, CookieJar } from './cookies.ts'
import type { SessionClaims } from './verify.ts'

export type Identity = { kind: 'visitor'; claims: SessionClaims } | { kind: 'anonymous'; why: string }

/** What a source is given for one request. */
export interface IdentifyContext {
  cookies: CookieJar
  /** The request's env: bindings, and the secrets a source reads (`SecretRef`). */
  env: Record<string, unknown>
  /** Salts the names of the location's shared cache entries (see `edge-cache.ts`): derived from the widget's secret. */
  cacheScope: string
  /** What the token would carry for these claims: copies that agree on it are one visitor. */
  identityOf(claims: SessionClaims): string
  /** Awaited before any call to another host on this request's behalf (the rate limit runs then). */
  beforeLookup(): Promise<void>
}

/**
 * A session source: the interface every source implements (see CONTRIBUTING.md, "Adding a
 * session source"). It reads cookies only through `context.cookies` and answers through
 * `oneVisitor`, so that the copies rule holds whatever the source.
 */
export interface SessionSource {
  /** What it is, for logs and the demo page: `jwt`, `introspection`, `kv`, `cognito`, … */
  readonly kind: string
  /** Who the visitor is: a visitor with claims, nobody signed in, or a coded refusal (thrown). */
  identify(context: IdentifyContext): Promise<Identity>
  /** The recipe's settings, for the development entry's demo sign-in and page. */
  readonly settings?: unknown
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
 * own answer. Several: every copy is identified, and a token is issued only for a visitor they
 * do not contradict:
 * - visitors whose claims give different identities are refused (`SESSION_AMBIGUOUS`): one was
 *   planted;
 * - a copy that could be the visitor's own session without identifying anyone now (expired,
 *   signed out at the site, not checkable right now) wins over a visitor beside it: its answer is
 *   given, so that a planted valid session never stands in for the visitor's expired one;
 * - a copy that is no session of this site at all (`SESSION_INVALID`: forged, malformed, another
 *   app's cookie of the same name) is left aside.
 * With no visitor at all, the first copy's answer.
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
  const standsAgainst =
    visitors.length > 0 ? results.find((result) => !identifies(result) && !notASession(result)) : undefined
  const answer =
    visitors.length > 0 && !standsAgainst
      ? { status: 'fulfilled' as const, value: visitors[0] }
      : (standsAgainst ?? results[0])
  if (answer.status === 'rejected') throw answer.reason
  return answer.value
}

function identifies(result: PromiseSettledResult<Identity>): boolean {
  return result.status === 'fulfilled' && result.value.kind === 'visitor'
}

/** A copy refused as no session of this site (forged, malformed, another app's cookie of the name). */
function notASession(result: PromiseSettledResult<Identity>): boolean {
  return (
    result.status === 'rejected' &&
    result.reason instanceof TokenServiceError &&
    result.reason.code === 'SESSION_INVALID'
  )
}
