/**
 * @module Clerk test session tokens, signed by @clerk/backend.
 */
import { exportJWK } from 'jose'

/** `pk_test_` + base64("clerk.example.com$"): the frontend API is clerk.example.com. */
export const CLERK = {
  publishableKey: `pk_test_${btoa('clerk.example.com$')}`,
  issuer: 'https://clerk.example.com',
  site: 'https://www.example.com',
}

/** Clerk session tokens made by `@clerk/backend`'s `signJwt` (it sets `iat` to now). */
export async function clerkTokens(privateKey: CryptoKey) {
  const { signJwt } = await import('@clerk/backend/jwt')
  const jwk = await exportJWK(privateKey)
  const now = Math.floor(Date.now() / 1000)
  const token = async (claims: Record<string, unknown>) => {
    const payload = {
      iss: CLERK.issuer,
      sub: 'user_2abc',
      sid: 'sess_1',
      azp: CLERK.site,
      nbf: now - 10,
      exp: now + 60,
      ...claims,
    }
    return signJwt(payload, jwk as JsonWebKey, { algorithm: 'RS256', header: { typ: 'JWT', kid: 'clerk-test' } })
  }
  return {
    now,
    valid: await token({}),
    otherParty: await token({ azp: 'https://evil.example' }),
    expired: await token({ exp: now - 120, nbf: now - 180 }),
    /** Another user's valid token, as a sibling subdomain would plant it. */
    mallory: await token({ sub: 'user_mallory', sid: 'sess_2' }),
    /** A session with tasks left (Clerk's session token v2 `sts: "pending"`). */
    pending: await token({ sts: 'pending' }),
  }
}
