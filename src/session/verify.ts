/**
 * @module "Who is this visitor?": verifies the session cookie, a JWT the site already issues,
 * and returns its claims, or throws a coded error that says why not.
 */
import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose'
import { MAX_SESSION_COOKIE_LENGTH } from '../constants'
import { TokenServiceError } from '../errors'
import type { SessionKeySource } from './keys'

export interface SessionConfig {
  cookieName: string
  /** Pinned by configuration; the token's own `alg` is only ever checked against this list. */
  algorithms: string[]
  issuer?: string
  audience?: string[]
  clockToleranceSeconds: number
  keySource: SessionKeySource
  getKey: JWTVerifyGetKey
}

export async function verifySession(cookie: string | undefined, config: SessionConfig): Promise<JWTPayload> {
  if (cookie === undefined || cookie === '') throw new TokenServiceError('SESSION_MISSING')
  if (cookie.length > MAX_SESSION_COOKIE_LENGTH) {
    throw new TokenServiceError('SESSION_INVALID', 'cookie_too_large')
  }
  try {
    const { payload } = await jwtVerify(cookie, config.getKey, {
      algorithms: config.algorithms,
      issuer: config.issuer,
      audience: config.audience,
      clockTolerance: config.clockToleranceSeconds,
      requiredClaims: ['exp'],
    })
    return payload
  } catch (error) {
    throw sessionError(error)
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
