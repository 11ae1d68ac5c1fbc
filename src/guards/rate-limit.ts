/**
 * @module Rate limiting with the Workers Rate Limiting binding (`[[ratelimits]]`): anonymous
 * tokens per client IP, signed-in ones per session subject. The counters are kept per
 * Cloudflare location and are approximate: a ceiling against abuse, not an exact quota.
 */
import { boundName, didYouMean, type SettingsInput } from '../config/input.ts'
import { bindingName, checkedArgument, isSpec } from '../config/values.ts'
import { ConfigError, configInvalid, TokenServiceError } from '../errors.ts'
import { claimKey } from '../session/exact-json.ts'

/**
 * A `[[ratelimits]]` binding limiting tokens: `rateLimit: rateLimiter('TOKENS')` in your own
 * app, `RATE_LIMIT_BINDING` for the standalone Worker. A spec, as `jwks(url)` is one: an app
 * without a rate limit bundles none of this.
 */
export interface RateLimiter {
  readonly kind: 'rateLimiter'
  /** The binding's name, looked up in the request's env. */
  readonly binding: string
  /**
   * Counts one request: per session subject when signed in, else per client IP (`lookup`: the
   * lookups a source makes before it knows who the visitor is). Over the limit: `429 RATE_LIMITED`.
   */
  count(request: Request, env: Record<string, unknown>, subject: unknown, scope?: 'lookup'): Promise<void>
}

export function isRateLimiter(value: unknown): value is RateLimiter {
  return isSpec<RateLimiter>(value, 'rateLimiter', 'count')
}

/** The rate limiter bound as `binding` (a `[[ratelimits]]` entry's `name`), for `widgetToken({ rateLimit })`. */
export function rateLimiter(binding: string): RateLimiter {
  checkedArgument('rateLimiter()', () => bindingName('binding', binding))
  const limiter: RateLimiter = {
    kind: 'rateLimiter',
    binding,
    count(request, env, subject, scope) {
      const key = rateLimitKey(request, subject)
      return enforceRateLimit(env, binding, scope ? `${scope}:${key}` : key)
    },
  }
  // Frozen: what the route was created with is what it counts with.
  return Object.freeze(limiter)
}

/**
 * `RATE_LIMIT_BINDING`, for the standalone Worker: the limiter its var names; with the env at
 * hand, it must be bound.
 */
export function readRateLimiterVar(input: SettingsInput<'rateLimit'>): RateLimiter | undefined {
  const binding = boundName(input, 'rateLimit', isRateLimitBinding, unboundRateLimiter)
  return binding === undefined ? undefined : rateLimiter(binding)
}

function isRateLimitBinding(value: unknown): value is RateLimit {
  return typeof (value as Partial<RateLimit> | undefined)?.limit === 'function'
}

/** The binding's period is at most 60 s, so a minute is always long enough to wait. */
const RETRY_AFTER_SECONDS = 60

async function enforceRateLimit(env: Record<string, unknown>, binding: string, key: string): Promise<void> {
  const limiter = env[binding]
  // The standalone Worker checks its binding at startup; an app's env is known per request only.
  if (!isRateLimitBinding(limiter)) throw configInvalid([unboundRateLimiter('rateLimit', binding, env)])
  const { success } = await limiter.limit({ key })
  if (!success) {
    throw new TokenServiceError('RATE_LIMITED', `over_limit_${key.slice(0, key.indexOf(':'))}`, {
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    })
  }
}

/** The mistake of naming a binding that holds no rate limiter, with the env's closest name. */
function unboundRateLimiter(key: string, binding: string, env: Record<string, unknown>): ConfigError {
  return new ConfigError(
    key,
    `no rate limiter is bound as "${binding}"${didYouMean(binding, env)} ([[ratelimits]] in the wrangler configuration)`,
  )
}

/** The rate-limit key of a request: the session subject when signed in, else the client IP. */
function rateLimitKey(request: Request, subject: unknown): string {
  const key = claimKey(subject)
  if (key !== undefined) return `sub:${key}`
  return `ip:${request.headers.get('CF-Connecting-IP') ?? 'unknown'}`
}
