/**
 * @module "Who is this visitor?": verifies the session cookie, a JWT the site already issues,
 * and returns its claims, or throws a coded error that says why not.
 */
import { base64url, errors, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions, jwtVerify } from 'jose'
import { MAX_NUMERIC_DATE, MAX_SESSION_COOKIE_LENGTH } from '../constants'
import { TokenServiceError } from '../errors'
import { parseExactly } from './exact-json'
import type { SessionKeySource } from './keys'

export interface SessionConfig {
  /** Pinned by configuration; the token's own `alg` is only ever checked against this list. */
  algorithms: string[]
  issuer?: string
  audience?: string[]
  clockToleranceSeconds: number
  /** When set, sessions must carry `iat` and be at most this old. */
  maxAgeSeconds?: number
  keySource: SessionKeySource
  getKey: JWTVerifyGetKey
}

/** Session claims, numbers kept exactly as written (see `exact-json.ts`). */
export type SessionClaims = Record<string, unknown>

/** Verifies one session cookie: its claims (numbers exactly as written), or a coded error. */
export async function verifySessionCookie(cookie: string, config: SessionConfig): Promise<SessionClaims> {
  if (cookie.length > MAX_SESSION_COOKIE_LENGTH) {
    throw new TokenServiceError('SESSION_INVALID', 'cookie_too_large')
  }
  const segments = cookie.split('.')
  const decoded = segments.length === 3 ? segments.map(canonicalBase64url) : []
  if (decoded.length !== 3 || decoded.includes(undefined)) {
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
  try {
    const payload = await verifyWithAnyMatchingKey(cookie, config.getKey, options)
    checkTimes(payload, config.clockToleranceSeconds)
  } catch (error) {
    throw sessionError(error)
  }
  // The payload as decoded for the canonical check, parsed again with every number's digits.
  return parseExactly(new TextDecoder().decode(decoded[1])) as SessionClaims
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
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error
    for await (const key of error as unknown as AsyncIterable<CryptoKey>) {
      try {
        return (await jwtVerify(token, key, options)).payload
      } catch (candidateError) {
        if (!(candidateError instanceof errors.JWSSignatureVerificationFailed)) throw candidateError
      }
    }
    throw new errors.JWSSignatureVerificationFailed()
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

/** The segment's bytes if it is canonical base64url: the same bytes must not verify under several spellings. */
function canonicalBase64url(segment: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return undefined
  try {
    const bytes = base64url.decode(segment)
    return base64url.encode(bytes) === segment ? bytes : undefined
  } catch {
    return undefined
  }
}

/** Maps every way verification can fail onto a public code; the reason stays for the log. */
function sessionError(error: unknown): TokenServiceError {
  if (error instanceof TokenServiceError) return error
  if (error instanceof errors.JWTExpired) return new TokenServiceError('SESSION_EXPIRED', 'expired')
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new TokenServiceError('SESSION_INVALID', `claim_${error.claim}_${error.reason}`)
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new TokenServiceError('SESSION_INVALID', 'algorithm_not_allowed')
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new TokenServiceError('SESSION_INVALID', 'bad_signature')
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new TokenServiceError('SESSION_INVALID', 'no_matching_key')
  }
  if (error instanceof errors.JOSEError) {
    return new TokenServiceError('SESSION_INVALID', `malformed_${error.code}`)
  }
  // Garbage can make the decoder throw plain errors; it is still the cookie's fault.
  return new TokenServiceError('SESSION_INVALID', `malformed_${(error as Error)?.name ?? 'unknown'}`)
}
