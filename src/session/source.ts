/**
 * @module "Who is this visitor?", whatever the site's sessions are: a JWT cookie verified
 * here, an opaque cookie the site's own "who is this?" URL answers for, or a record in a KV
 * namespace. Each source says: a visitor with claims, or nobody signed in, or (throwing a
 * coded error) a cookie that is forged or cannot be checked right now.
 */
import type { Config } from '../config'
import type { ProviderConfig } from '../config/providers'
import { MAX_SESSION_COOKIES } from '../constants'
import { TokenServiceError } from '../errors'
import { cookieValues } from './cookies'
import { introspectionSource } from './introspection'
import { kvSessionSource } from './kv'
import { authJsSource } from './providers/authjs'
import { clerkSource } from './providers/clerk'
import { cognitoSource } from './providers/cognito'
import { firebaseSource } from './providers/firebase'
import { supabaseSource } from './providers/supabase'
import { type SessionClaims, type SessionConfig, verifySessionCookie } from './verify'

export type Identity = { kind: 'visitor'; claims: SessionClaims } | { kind: 'anonymous'; why: string }

export interface SessionSource {
  identify(request: Request, env: Record<string, unknown>): Promise<Identity>
}

/** The source the configuration chose; built once per app, after the development entry's adjustments. */
export function createSessionSource(config: Config): SessionSource {
  const { source } = config
  switch (source.kind) {
    case 'jwt': {
      const session = config.session
      if (!session) throw new TypeError('SESSION_SOURCE "jwt" needs the session settings')
      return eachCopy(config.cookieName, async (cookie) => ({
        kind: 'visitor',
        claims: await verifySessionCookie(cookie, session),
      }))
    }
    case 'introspection':
      return eachCopy(config.cookieName, introspectionSource(config.cookieName, source), { raw: true })
    case 'kv':
      return eachCopy(config.cookieName, kvSessionSource(source))
    case 'provider':
      return { identify: providerSource(source.provider, config.session, config.cookieName) }
  }
}

function providerSource(provider: ProviderConfig, session: SessionConfig | undefined, cookieName: string) {
  if (provider.provider === 'authjs' || provider.provider === 'nextauth-v4') return authJsSource(provider)
  if (!session) throw new TypeError(`${provider.provider} needs its session settings`)
  switch (provider.provider) {
    case 'cognito':
      return cognitoSource(provider, session)
    case 'supabase':
      return supabaseSource(provider, session)
    case 'clerk':
      return clerkSource(provider, session)
    case 'firebase':
      return firebaseSource(cookieName, session)
  }
}

/**
 * Every copy of the session cookie goes to `identifyOne`. No cookie: nobody is signed in.
 * One copy that identifies a visitor is the visitor; visitors with different subjects are
 * refused, since one copy was planted ("cookie tossing"); with none, the first copy's answer.
 */
function eachCopy(
  cookieName: string,
  identifyOne: (cookie: string, env: Record<string, unknown>) => Promise<Identity>,
  options: { raw?: boolean } = {},
): SessionSource {
  return {
    async identify(request, env) {
      const cookies = cookieValues(request.headers.get('Cookie') ?? undefined, cookieName, options)
      if (cookies.length === 0) return { kind: 'anonymous', why: 'no_session_cookie' }
      if (cookies.length > MAX_SESSION_COOKIES) {
        throw new TokenServiceError('SESSION_INVALID', 'too_many_session_cookies', { log: { cookies: cookies.length } })
      }
      // The usual case, one copy, is its own answer: nothing to compare it with.
      if (cookies.length === 1) return identifyOne(cookies[0], env)
      const results = await Promise.allSettled(cookies.map((cookie) => identifyOne(cookie, env)))
      const visitors = results.flatMap((result) =>
        result.status === 'fulfilled' && result.value.kind === 'visitor' ? [result.value] : [],
      )
      const subjects = new Set(visitors.map((visitor) => JSON.stringify(visitor.claims.sub ?? null)))
      if (subjects.size > 1) {
        throw new TokenServiceError('SESSION_AMBIGUOUS', 'session_cookies_for_different_subjects', {
          log: { cookies: cookies.length, visitors: visitors.length },
        })
      }
      if (visitors.length > 0) return visitors[0]
      const first = results[0]
      if (first.status === 'rejected') throw first.reason
      return first.value
    },
  }
}
