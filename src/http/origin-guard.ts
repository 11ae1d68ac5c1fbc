/**
 * @module The token route's origin check and CORS: same-origin and non-browser requests pass
 * without CORS headers; allowed origins get credentialed CORS; others get 403 and no CORS.
 * It runs first on a widget's path, so it also names the widget for the request's log line and data point.
 */
import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import { TokenServiceError } from '../errors.ts'
import { TURNSTILE_HEADER } from '../guards/turnstile.ts'
import type { OriginPolicy } from '../origins.ts'
import { DROPPED_FIELDS_HEADER } from './headers.ts'
import type { RouteEnv, WidgetNote } from './request-log.ts'

/** How long a browser may reuse a preflight answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 600

/** `note`: the widget as the request's log line and data point name it. */
export function originGuard(widget: { origins: OriginPolicy }, note: WidgetNote): MiddlewareHandler<RouteEnv> {
  const policy = widget.origins
  const credentialedCors = cors({
    // Reached only for origins the policy allowed, so the origin is echoed, never `*`.
    origin: (origin) => origin,
    credentials: true,
    allowMethods: ['GET', 'OPTIONS'],
    // Guests send a Turnstile response in a header of its own.
    allowHeaders: ['Accept', 'Content-Type', TURNSTILE_HEADER],
    // The page may read which attributes were left out to fit the widget's size limit.
    exposeHeaders: [DROPPED_FIELDS_HEADER],
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  })
  return async function originGuard(c, next) {
    c.set('widget', note)
    const origin = c.req.header('Origin')
    if (origin === undefined || origin === new URL(c.req.url).origin) {
      // The answer differs by origin, so shared caches must key on it (cors() does the same).
      c.header('Vary', 'Origin')
      return next()
    }
    if (!policy.allows(origin)) {
      // Origins are public, and the operator needs to see which one was refused.
      // With no origins configured at all, the log says so: the fix is in the configuration.
      const reason = policy.patterns.length === 0 ? 'no_origins_configured' : 'origin_not_allowed'
      throw new TokenServiceError('ORIGIN_NOT_ALLOWED', reason, { log: { origin: origin.slice(0, 200) } })
    }
    return credentialedCors(c, next)
  }
}
