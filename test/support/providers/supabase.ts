/**
 * @module Supabase test sessions, written into cookies by @supabase/ssr.
 */
import { SignJWT } from 'jose'

export const SUPABASE = {
  projectRef: 'abcdefghijklmnopqrst',
  issuer: 'https://abcdefghijklmnopqrst.supabase.co/auth/v1',
  legacySecret: 'TEST-ONLY-supabase-legacy-jwt-secret-0123456789',
}

/** Cookie headers written by `@supabase/ssr` after a sign-in (the Auth API answered by a stub). */
export async function supabaseCookies(signingKey: CryptoKey) {
  const { createServerClient } = await import('@supabase/ssr')
  const now = Math.floor(Date.now() / 1000)
  const accessToken = (
    claims: Record<string, unknown>,
    key: CryptoKey | Uint8Array = signingKey,
    expires = now + 3600,
  ) =>
    new SignJWT({
      aud: 'authenticated',
      role: 'authenticated',
      sub: 'supabase-user-1',
      email: 'sam@example.com',
      ...claims,
    })
      .setProtectedHeader(
        key instanceof Uint8Array ? { alg: 'HS256', typ: 'JWT' } : { alg: 'ES256', kid: 'supabase-test', typ: 'JWT' },
      )
      .setIssuer(SUPABASE.issuer)
      .setIssuedAt(now - 60)
      .setExpirationTime(expires)
      .sign(key)
  const legacyKey = new TextEncoder().encode(SUPABASE.legacySecret)
  const cookieHeader = async (token: string, userMetadata: Record<string, unknown> = {}) => {
    const jar = new Map<string, string>()
    const session = {
      access_token: token,
      token_type: 'bearer',
      expires_in: 3600,
      expires_at: now + 3600,
      refresh_token: 'refresh',
      user: {
        id: 'supabase-user-1',
        aud: 'authenticated',
        role: 'authenticated',
        email: 'sam@example.com',
        app_metadata: {},
        user_metadata: userMetadata,
        created_at: new Date().toISOString(),
      },
    }
    const client = createServerClient(`https://${SUPABASE.projectRef}.supabase.co`, 'anon-key', {
      cookies: {
        getAll: () => [...jar].map(([name, value]) => ({ name, value })),
        setAll: (cookies) => {
          for (const { name, value } of cookies) jar.set(name, value)
        },
      },
      global: {
        fetch: async () => new Response(JSON.stringify(session), { headers: { 'content-type': 'application/json' } }),
      },
    })
    const { error } = await client.auth.signInWithPassword({
      email: 'sam@example.com',
      password: 'not checked by the stub',
    })
    if (error) throw error
    return [...jar]
      .filter(([, value]) => value)
      .map(([name, value]) => `${name}=${value}`)
      .join('; ')
  }
  return {
    single: await cookieHeader(await accessToken({})),
    chunked: await cookieHeader(await accessToken({}), { bio: 'x'.repeat(6000) }),
    legacy: await cookieHeader(await accessToken({}, legacyKey)),
    anonRole: await cookieHeader(await accessToken({ role: 'anon', sub: undefined }, legacyKey)),
    anonymousUser: await cookieHeader(await accessToken({ is_anonymous: true })),
    expired: await cookieHeader(await accessToken({}, signingKey, now - 600)),
    /** Another user's whole session cookie, as a sibling subdomain would plant it. */
    mallory: await cookieHeader(await accessToken({ sub: 'supabase-user-2', email: 'mallory@example.com' })),
    /** A session whose access token alone is 4,673 characters: @supabase/ssr writes three cookies. */
    large: await cookieHeader(await accessToken({ user_metadata: { bio: 'x'.repeat(3_265) } })),
  }
}
