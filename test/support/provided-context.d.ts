// What test/support/jwks-server.ts provides to the worker tests through `inject()`.
import type { JWK } from 'jose'

declare module 'vitest' {
  export interface ProvidedContext {
    jwksUrl: string
    /**
     * Where test/support/provider-keys.ts mints the identity providers' sessions on request:
     * `${providerFixturesUrl}/NAME`, read through `providerFixtures(NAME)` when a test file runs.
     */
    providerFixturesUrl: string
    /** The Express site of test/support/site-server.ts. */
    siteBase: string
    /** The server's origin: `${jwksBase}/sets/NAME/…` are the switchable key sets. */
    jwksBase: string
    /** The key the `rotated` key set adds (kid `rotated-rs256`). */
    rotatedRsaKey: JWK
    jwksDownUrl: string
    jwksFetchCountUrl: string
    signingKeys: Record<'RS256' | 'ES256' | 'EdDSA', JWK>
    rsaPublicKeyPem: string
    /** An RSA key pair the JWKS does not hold. */
    strangerRsaKey: JWK
  }
}

/**
 * The identity providers' sessions, made by the providers' own libraries at the moment a test
 * file asks (time-bound tokens are never minted ahead, where a slow suite would see them expire).
 */
export interface ProviderFixtures {
  /** Firebase-shaped session cookies, and the loopback URL of their X.509 certificates. */
  firebase: {
    projectId: string
    keysUrl: string
    valid: string
    otherProject: string
    expired: string
    futureAuthTime: string
    mallory: string
  }
  /** Clerk session tokens from @clerk/backend's signJwt; `now` is their iat (the moment they were minted). */
  clerk: {
    publishableKey: string
    issuer: string
    site: string
    jwksUrl: string
    now: number
    valid: string
    otherParty: string
    expired: string
    mallory: string
    pending: string
  }
  /** Supabase session cookies written by @supabase/ssr, as whole Cookie headers. */
  supabase: {
    projectRef: string
    issuer: string
    legacySecret: string
    jwksUrl: string
    single: string
    chunked: string
    legacy: string
    anonRole: string
    anonymousUser: string
    expired: string
    mallory: string
    large: string
  }
  /** Auth.js v5 and NextAuth v4 session cookies from test/support/provider-keys.ts. */
  authjs: {
    secret: string
    previousSecret: string
    nextAuthSecret: string
    plain: string
    secure: string
    previous: string
    expired: string
    otherSecret: string
    /** A whole Cookie header: the chunks `authjs.session-token.0`, `.1`, … */
    chunked: string
    mallory: string
    v4: string
    v4Mallory: string
  }
  /** Cognito sessions from test/support/provider-keys.ts: Amplify's own cookies, and tokens to swap in. */
  cognito: {
    userPoolId: string
    clientId: string
    issuer: string
    jwksUrl: string
    amplifyCookies: Record<string, string>
    /** Amplify's cookies for another user of the pool (`mallory@example.com`), signed in on the attacker's browser. */
    malloryAmplifyCookies: Record<string, string>
    tokens: Record<
      | 'idToken'
      | 'accessToken'
      | 'expiredIdToken'
      | 'otherClientIdToken'
      | 'otherPoolIdToken'
      | 'otherUserIdToken'
      | 'otherUserAccessToken',
      string
    >
  }
}
