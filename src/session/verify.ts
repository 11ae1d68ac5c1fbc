/**
 * @module "Who is this visitor?": verifies the session cookie, a JWT the site already issues,
 * and returns its claims, or throws a coded error that says why not.
 */
import { decodeProtectedHeader, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions, jwtVerify } from 'jose'
import { decode as decodeBase64url } from 'jose/base64url'
// Each class by name (not jose's `errors` namespace): a bundle keeps only the classes it tests for.
import {
  JOSEAlgNotAllowed,
  JOSEError,
  JWKSMultipleMatchingKeys,
  JWKSNoMatchingKey,
  JWSSignatureVerificationFailed,
  JWTClaimValidationFailed,
  JWTExpired,
} from 'jose/errors'
import { MAX_NUMERIC_DATE, MAX_SESSION_CHARS } from '../constants.ts'
import { TokenServiceError } from '../errors.ts'
import { parseExactly } from './exact-json.ts'

export interface SessionConfig {
  /** Pinned by configuration; the token's own `alg` is only ever checked against this list. */
  algorithms: string[]
  issuer?: string
  audience?: string[]
  clockToleranceSeconds: number
  /** When set, sessions must carry `iat` and be at most this old. */
  maxAgeSeconds?: number
  getKey: JWTVerifyGetKey
  /**
   * A remote key set's refetch after a session without `kid` failed every key held (a kid-less
   * rotation): at most one per cooldown; true when the keys changed.
   */
  refreshKeys?: () => Promise<boolean>
}

/** Session claims, numbers kept exactly as written (see `exact-json.ts`). */
export type SessionClaims = Record<string, unknown>

/** Verifies one session cookie: its claims (numbers exactly as written), or a coded error. */
export async function verifySessionCookie(cookie: string, config: SessionConfig): Promise<SessionClaims> {
  if (cookie.length > MAX_SESSION_CHARS) {
    throw new TokenServiceError('SESSION_INVALID', 'cookie_too_large')
  }
  const segments = cookie.split('.')
  if (segments.length !== 3 || !segments.every((segment) => CANONICAL_BASE64URL.test(segment))) {
    throw new TokenServiceError('SESSION_INVALID', 'malformed_base64url')
  }
  const options: JWTVerifyOptions = {
    algorithms: config.algorithms,
    issuer: config.issuer,
    audience: config.audience,
    clockTolerance: config.clockToleranceSeconds,
    maxTokenAge: config.maxAgeSeconds,
    requiredClaims: ['exp'],
  }
  let payload: JWTPayload
  try {
    payload = await verifyWithFreshKeys(cookie, config, options)
    checkTimes(payload, config.clockToleranceSeconds)
  } catch (error) {
    throw sessionError(error)
  }
  return exactClaims(payload, segments[1])
}

/**
 * jose's claims, unless a number in the payload is written in a way `JSON.parse` would not
 * give back (`9007199254740993`, `12.50`): then the payload parsed again, digits kept.
 */
function exactClaims(payload: JWTPayload, encodedPayload: string): SessionClaims {
  const text = new TextDecoder().decode(decodeBase64url(encodedPayload))
  for (const [token] of text.matchAll(JSON_STRING_OR_NUMBER)) {
    if (token[0] !== '"' && String(Number(token)) !== token) return parseExactly(text) as SessionClaims
  }
  return payload
}

/**
 * A session without `kid` that no key held verifies may be signed by a key the set gained since
 * it was fetched: the set is fetched again (once per cooldown, as for an unknown `kid`) and the
 * session tried once more.
 */
async function verifyWithFreshKeys(token: string, config: SessionConfig, options: JWTVerifyOptions) {
  try {
    return await verifyWithAnyMatchingKey(token, config.getKey, options)
  } catch (error) {
    const kidless = error instanceof JWSSignatureVerificationFailed && !decodeProtectedHeader(token).kid
    if (!kidless || !config.refreshKeys || !(await config.refreshKeys())) throw error
    return verifyWithAnyMatchingKey(token, config.getKey, options)
  }
}

/**
 * During a key rotation a key set may hold several keys that fit the token (no `kid`): each
 * is tried, as jose documents, instead of refusing the session.
 */
async function verifyWithAnyMatchingKey(
  token: string,
  getKey: JWTVerifyGetKey,
  options: JWTVerifyOptions,
): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, getKey, options)).payload
  } catch (error) {
    if (!(error instanceof JWKSMultipleMatchingKeys)) throw error
    for await (const key of error as unknown as AsyncIterable<CryptoKey>) {
      try {
        return (await jwtVerify(token, key, options)).payload
      } catch (candidateError) {
        if (!(candidateError instanceof JWSSignatureVerificationFailed)) throw candidateError
      }
    }
    throw new JWSSignatureVerificationFailed()
  }
}

/**
 * jose checks that time claims are numbers; `1e400` (Infinity) or `1e308` are numbers that
 * would never expire. They must be whole seconds before the year 10000, and `iat` not ahead.
 */
export function checkTimes(payload: JWTPayload, toleranceSeconds: number): void {
  for (const claim of ['exp', 'iat', 'nbf'] as const) {
    const value = payload[claim]
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= MAX_NUMERIC_DATE)) {
      throw new TokenServiceError('SESSION_INVALID', `claim_${claim}_not_a_time`)
    }
  }
  if (payload.iat !== undefined && payload.iat > Date.now() / 1000 + toleranceSeconds) {
    throw new TokenServiceError('SESSION_INVALID', 'claim_iat_in_the_future')
  }
}

/**
 * Canonical base64url, so the same bytes cannot verify under several spellings: unpadded, and
 * a last character whose unused low bits are zero (a length of 4n+2 ends in A, Q, g or w; 4n+3
 * in a character whose value is a multiple of 4; 4n+1 is never valid).
 */
const CANONICAL_BASE64URL = /^(?:[\w-]{4})*(?:[\w-]{4}|[\w-]{2}[AEIMQUYcgkosw048]|[\w-][AQgw])$/

/** Each string of a JSON text, whole (so digits inside it are skipped), or each number. */
const JSON_STRING_OR_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g

/** Maps every way verification can fail onto a public code; the reason stays for the log. */
function sessionError(error: unknown): TokenServiceError {
  if (error instanceof TokenServiceError) return error
  if (error instanceof JWTExpired) return new TokenServiceError('SESSION_EXPIRED', 'expired')
  if (error instanceof JWTClaimValidationFailed) {
    return new TokenServiceError('SESSION_INVALID', `claim_${error.claim}_${error.reason}`)
  }
  if (error instanceof JOSEAlgNotAllowed) {
    return new TokenServiceError('SESSION_INVALID', 'algorithm_not_allowed')
  }
  if (error instanceof JWSSignatureVerificationFailed) {
    return new TokenServiceError('SESSION_INVALID', 'bad_signature')
  }
  if (error instanceof JWKSNoMatchingKey) {
    return new TokenServiceError('SESSION_INVALID', 'no_matching_key')
  }
  if (error instanceof JOSEError) {
    return new TokenServiceError('SESSION_INVALID', `malformed_${error.code}`)
  }
  // Garbage can make the decoder throw plain errors; it is still the cookie's fault.
  return new TokenServiceError('SESSION_INVALID', `malformed_${(error as Error)?.name ?? 'unknown'}`)
}
