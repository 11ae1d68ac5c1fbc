/**
 * @module connect-widget-token as a library: the token route for your own Hono app or Worker,
 * and the session sources it reads visitors with. Every export is its own module, so an app
 * bundles only what it imports (`sideEffects: false`); the subpath exports
 * (`connect-widget-token/cognito`, …) name one source each.
 */
export type { ContactFieldValues, MappingFunction } from './attributes.ts'
export type { SecretRef } from './config/input.ts'
export type { ErrorCode } from './errors.ts'
export { InvalidConfigError, TokenServiceError } from './errors.ts'
export { type RateLimiter, rateLimiter } from './guards/rate-limit.ts'
export { type Turnstile, type TurnstileOptions, turnstile } from './guards/turnstile.ts'
export { type MappingEntry, type WidgetTokenOptions, widgetToken, widgetTokenFetch } from './handler.ts'
export { analyticsEngine, type Metrics } from './metrics.ts'
export { type CookieCopy, CookieJar, chunkedCopies } from './session/cookies.ts'
export { type IntrospectionOptions, introspection } from './session/introspection.ts'
export { type JwksOptions, jwks } from './session/jwks.ts'
export { type JwtCookieOptions, jwtCookie } from './session/jwt-cookie.ts'
export type { KeySpec } from './session/keys.ts'
export { type KvSessionOptions, kvSessions } from './session/kv.ts'
export { type AuthJsOptions, authjs, type NextAuthV4Options, nextAuthV4 } from './session/providers/authjs.ts'
export { type ClerkOptions, clerk } from './session/providers/clerk.ts'
export { type CognitoOptions, cognito } from './session/providers/cognito.ts'
export { type FirebaseOptions, firebase } from './session/providers/firebase.ts'
export { type SupabaseOptions, supabase } from './session/providers/supabase.ts'
export { publicKey } from './session/public-key.ts'
export {
  eachCookie,
  type IdentifyContext,
  type Identity,
  oneVisitor,
  type SessionCopy,
  type SessionSource,
} from './session/source.ts'
export type { SessionClaims } from './session/verify.ts'
