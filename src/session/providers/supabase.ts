/**
 * @module Supabase Auth sessions as `@supabase/ssr` keeps them: `sb-<project-ref>-auth-token`,
 * a JSON session (`base64-` + base64url, or plain JSON), split into `.0`, `.1`, … when long.
 * Its `access_token` is the JWT: ES256/RS256 against the project's JWKS, or HS256 with the
 * legacy JWT secret; `iss` the project's auth URL, `aud = authenticated`, and
 * `role = authenticated` (the legacy secret also signs the public anon key). An anonymous
 * Supabase user (`is_anonymous`) is a guest here: the anonymous policy applies.
 */
import { base64url } from 'jose'
import type { SecretRef } from '../../config/input.ts'
import { requiredMatching } from '../../config/values.ts'
import { TokenServiceError } from '../../errors.ts'
import { chunkedCopies } from '../cookies.ts'
import { type JwtSettings, jwtVerifier } from '../jwt-settings.ts'
import { type SessionRecipe, sourceFromOptions } from '../recipe.ts'
import { eachCookie, type Identity, oneVisitor, type SessionSource } from '../source.ts'
import { type SessionConfig, verifySessionCookie } from '../verify.ts'
import { PROVIDER_JWT_VARS, type ProviderJwtOptions, readProviderJwt } from './jwt-provider.ts'

export interface SupabaseOptions extends ProviderJwtOptions {
  /** The project ref of `https://<ref>.supabase.co`. */
  projectRef: string
  /** Projects still on the legacy HS256 JWT secret: that secret; otherwise the project's JWKS. */
  jwtSecret?: SecretRef
}

const VARS = { projectRef: 'SUPABASE_PROJECT_REF', jwtSecret: 'SUPABASE_JWT_SECRET', ...PROVIDER_JWT_VARS } as const

export interface SupabaseSettings {
  projectRef: string
  jwt: JwtSettings
}

/** Supabase project refs are 20 lowercase letters. */
export const PROJECT_REF = /^[a-z]{20}$/

export const SUPABASE: SessionRecipe<keyof typeof VARS, SupabaseSettings> = {
  name: 'supabase',
  vars: VARS,
  secrets: (input) => ({ needed: [], optional: [input.key('jwtSecret')] }),
  read(input, problems) {
    const projectRef = problems.read(() =>
      requiredMatching(
        input.key('projectRef'),
        input.value('projectRef'),
        PROJECT_REF,
        'must be the 20-letter project ref of https://<ref>.supabase.co',
      ),
    )
    if (projectRef === undefined) return undefined
    const issuer = `https://${projectRef}.supabase.co/auth/v1`
    // The legacy JWT secret signs HS256; otherwise the project's own keys (ES256, or RS256).
    const legacy = input.value('jwtSecret') !== undefined
    const jwt = readProviderJwt(input, problems, {
      algorithms: legacy ? ['HS256'] : ['ES256', 'RS256'],
      issuer,
      jwksUrl: legacy ? undefined : `${issuer}/.well-known/jwks.json`,
      audience: ['authenticated'],
      aliases: { secret: 'jwtSecret' },
    })
    return jwt && { projectRef, jwt }
  },
  create: (settings) => supabaseSource(settings),
}

/** Supabase Auth sessions as `@supabase/ssr` keeps them: options checked now, every mistake at once. */
export function supabase(options: SupabaseOptions): SessionSource {
  return sourceFromOptions(SUPABASE, options, 'supabase')
}

function supabaseSource(config: SupabaseSettings): SessionSource {
  const cookieName = `sb-${config.projectRef}-auth-token`
  const verifier = jwtVerifier(config.jwt)
  async function identifyOne(value: string, session: SessionConfig): Promise<Identity> {
    const claims = await verifySessionCookie(accessTokenOf(value), session)
    if (claims.role !== 'authenticated')
      throw new TokenServiceError('SESSION_INVALID', 'supabase_role_not_authenticated')
    if (claims.is_anonymous === true) return { kind: 'anonymous', why: 'supabase_anonymous_user' }
    return { kind: 'visitor', claims }
  }
  return {
    kind: 'supabase',
    settings: config,
    async identify(context) {
      const session = await verifier(context.env, context.cacheScope)
      const copies = eachCookie(chunkedCopies(context.cookies, cookieName), (value) => identifyOne(value, session))
      return oneVisitor(copies, context, 'supabase_signed_out')
    },
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
