/**
 * @module Rate limiting with the Workers Rate Limiting binding (`[[ratelimits]]`): anonymous
 * tokens per client IP, signed-in ones per session subject. The counters are kept per
 * Cloudflare location and are approximate: a ceiling against abuse, not an exact quota.
 */
import { TokenServiceError } from '../errors.ts'
import { claimKey } from '../session/exact-json.ts'

/** The binding's period is at most 60 s, so a minute is always long enough to wait. */
const RETRY_AFTER_SECONDS = 60

export async function enforceRateLimit(env: Record<string, unknown>, binding: string, key: string): Promise<void> {
  const { success } = await (env[binding] as RateLimit).limit({ key })
  if (!success) {
    throw new TokenServiceError('RATE_LIMITED', `over_limit_${key.slice(0, key.indexOf(':'))}`, {
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    })
  }
}

/** The rate-limit key of a request: the session subject when signed in, else the client IP. */
export function rateLimitKey(request: Request, subject: unknown): string {
  const key = claimKey(subject)
  if (key !== undefined) return `sub:${key}`
  return `ip:${request.headers.get('CF-Connecting-IP') ?? 'unknown'}`
}
