/**
 * @module Supabase Auth sessions as `@supabase/ssr` keeps them: `sb-<project-ref>-auth-token`,
 * a JSON session (`base64-` + base64url, or plain JSON), split into `.0`, `.1`, … when long.
 * Its `access_token` is the JWT: ES256/RS256 against the project's JWKS, or HS256 with the
 * legacy JWT secret; `iss` the project's auth URL, `aud = authenticated`, and
 * `role = authenticated` (the legacy secret also signs the public anon key). An anonymous
 * Supabase user (`is_anonymous`) is a guest here: the anonymous policy applies.
 */
import { base64url } from 'jose'
import { TokenServiceError } from '../../errors'
import { eachCookie, type Identity, oneVisitor, type SessionSource } from '../source'
import { type SessionConfig, verifySessionCookie } from '../verify'

export interface SupabaseConfig {
  provider: 'supabase'
  projectRef: string
}

/** Supabase project refs are 20 lowercase letters. */
export const PROJECT_REF = /^[a-z]{20}$/

export function supabaseIssuer(projectRef: string): string {
  return `https://${projectRef}.supabase.co/auth/v1`
}

export function supabaseSource(config: SupabaseConfig, session: SessionConfig): SessionSource {
  const cookieName = `sb-${config.projectRef}-auth-token`
  async function identifyOne(value: string): Promise<Identity> {
    const claims = await verifySessionCookie(accessTokenOf(value), session)
    if (claims.role !== 'authenticated')
      throw new TokenServiceError('SESSION_INVALID', 'supabase_role_not_authenticated')
    if (claims.is_anonymous === true) return { kind: 'anonymous', why: 'supabase_anonymous_user' }
    return { kind: 'visitor', claims }
  }
  return {
    identify: (context) =>
      oneVisitor(eachCookie(context.cookies.chunkedCopies(cookieName), identifyOne), context, 'supabase_signed_out'),
  }
}

function accessTokenOf(value: string): string {
  let stored: unknown
  try {
    const json = value.startsWith('base64-') ? new TextDecoder().decode(base64url.decode(value.slice(7))) : value
    stored = JSON.parse(json)
  } catch {
    throw new TokenServiceError('SESSION_INVALID', 'supabase_cookie_not_a_session')
  }
  const token = (stored as { access_token?: unknown } | null)?.access_token
  if (typeof token !== 'string') throw new TokenServiceError('SESSION_INVALID', 'supabase_cookie_without_access_token')
  return token
}
