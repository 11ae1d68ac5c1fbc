/**
 * @module The session source a configuration chose: a JWT cookie verified here, the site's
 * introspection URL, Workers KV, or an identity provider's cookies. Each goes through the
 * shared parts (`cookies.ts`, the copies rule in `source.ts`).
 */
import type { Config } from '../config'
import type { ProviderConfig } from '../config/providers'
import { introspectionSource } from './introspection'
import { kvSessionSource } from './kv'
import { authJsSource } from './providers/authjs'
import { clerkSource } from './providers/clerk'
import { cognitoSource } from './providers/cognito'
import { firebaseSource } from './providers/firebase'
import { supabaseSource } from './providers/supabase'
import { eachCookie, type Identity, oneVisitor, type SessionSource } from './source'
import { type SessionConfig, verifySessionCookie } from './verify'

/** The source the configuration chose; built once per app, after the development entry's adjustments. */
export function createSessionSource(config: Config): SessionSource {
  const { source, cookieName } = config
  switch (source.kind) {
    case 'jwt': {
      const session = config.session
      if (!session) throw new TypeError('SESSION_SOURCE "jwt" needs the session settings')
      return jwtCookieSource(cookieName, session)
    }
    case 'introspection':
      return introspectionSource(cookieName, source)
    case 'kv':
      return kvSessionSource(cookieName, source)
    case 'provider':
      return providerSource(source.provider, config.session, cookieName)
  }
}

function jwtCookieSource(cookieName: string, session: SessionConfig): SessionSource {
  const verify = async (cookie: string): Promise<Identity> => ({
    kind: 'visitor',
    claims: await verifySessionCookie(cookie, session),
  })
  return {
    identify: (context) =>
      oneVisitor(eachCookie(context.cookies.copies(cookieName), verify), context, 'no_session_cookie'),
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
