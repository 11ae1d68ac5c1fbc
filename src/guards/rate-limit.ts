/**
 * @module Rate limiting with the Workers Rate Limiting binding (`[[ratelimits]]`): anonymous
 * tokens per client IP, signed-in ones per session subject. The counters are kept per
 * Cloudflare location and are approximate: a ceiling against abuse, not an exact quota.
 */
import { ConfigError, configInvalid, TokenServiceError } from '../errors.ts'
import { claimKey } from '../session/exact-json.ts'

/** The binding's period is at most 60 s, so a minute is always long enough to wait. */
const RETRY_AFTER_SECONDS = 60

export async function enforceRateLimit(env: Record<string, unknown>, binding: string, key: string): Promise<void> {
  const limiter = env[binding] as Partial<RateLimit> | undefined
  // The standalone Worker checks its binding at startup; an app's env is known per request only.
  if (typeof limiter?.limit !== 'function') {
    throw configInvalid([
      new ConfigError(
        'rateLimit',
        `no rate limiter is bound as "${binding}" ([[ratelimits]] in the wrangler configuration)`,
      ),
    ])
  }
  const { success } = await limiter.limit({ key })
  if (!success) {
    throw new TokenServiceError('RATE_LIMITED', `over_limit_${key.slice(0, key.indexOf(':'))}`, {
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    })
  }
}

/** The mistake of naming a binding that holds no rate limiter. */
export function unboundRateLimiter(key: string, binding: string): ConfigError {
  return new ConfigError(key, `no rate limiter is bound as "${binding}" ([[ratelimits]] in the wrangler configuration)`)
}

/** The rate-limit key of a request: the session subject when signed in, else the client IP. */
export function rateLimitKey(request: Request, subject: unknown): string {
  const key = claimKey(subject)
  if (key !== undefined) return `sub:${key}`
  return `ip:${request.headers.get('CF-Connecting-IP') ?? 'unknown'}`
}
