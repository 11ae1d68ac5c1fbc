/**
 * @module A widget's token route: its origin guard (CORS for its own path only), `GET` →
 * who the visitor is → contact fields → `{ "data": "<widget token>" }`, `OPTIONS`, and `405`
 * for the rest. The standalone Worker mounts one per widget; `widgetToken()` wraps one for an app.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono'
import { contactIdentity } from '../attributes.ts'
import { type WidgetSettings, widgetKeys } from '../config/widget.ts'
import { TokenServiceError } from '../errors.ts'
import { admit, lookupGuard } from '../guards/admission.ts'
import { CookieJar } from '../session/cookies.ts'
import type { SessionSource } from '../session/source.ts'
import type { SessionClaims } from '../session/verify.ts'
import { issueWidgetToken } from '../token.ts'
import { NO_STORE } from './error-response.ts'
import { ALLOW, DROPPED_FIELDS_HEADER } from './headers.ts'
import { originGuard } from './origin-guard.ts'
import type { RouteEnv, WidgetNote } from './request-log.ts'

/** A widget as its route needs it: its settings, and its name for the log line. */
export interface WidgetRoute extends WidgetSettings {
  name: string
}

type AnyApp = Hono<RouteEnv>

/** A widget's route: its origin guard (CORS), its `GET`, and the answer to other methods. */
export interface TokenRoute {
  guard: MiddlewareHandler
  issue(c: Context): Promise<Response>
  /** `OPTIONS` from the same origin (an allowed origin's preflight is the guard's); `405` otherwise. */
  rest(c: Context): Response
}

export function tokenRoute(widget: WidgetRoute, source: SessionSource): TokenRoute {
  // How the request's log line and data point name the widget.
  const note: WidgetNote = {
    name: widget.name,
    source: source.kind,
    metrics: widget.metrics,
    logTokensIssued: widget.logTokensIssued,
  }
  return {
    guard: originGuard(widget, note),
    issue: tokenHandler(widget, source),
    rest(c) {
      if (c.req.method === 'OPTIONS') return c.body(null, 204, { Allow: ALLOW })
      throw new TokenServiceError('METHOD_NOT_ALLOWED')
    },
  }
}

/** The widget's routes on `path` of `app`, whose `onError` answers the coded errors thrown here. */
export function mountTokenRoute(app: AnyApp, path: string, widget: WidgetRoute, source: SessionSource): void {
  const route = tokenRoute(widget, source)
  app.use(path, route.guard)
  app.get(path, route.issue)
  app.all(path, route.rest)
}

function tokenHandler(widget: WidgetRoute, source: SessionSource) {
  const keys = widgetKeys(widget.secret)
  // Copies of a session are one visitor when this widget's token would carry the same for each.
  const identityOf = (claims: SessionClaims) => contactIdentity(claims, widget.mapping)
  return async function issueToken(c: Context): Promise<Response> {
    // Hono answers HEAD with the GET route: a HEAD must not issue (nor log, nor count) a token.
    if (c.req.method !== 'GET') throw new TokenServiceError('METHOD_NOT_ALLOWED', 'head_not_allowed')
    const request = c.req.raw
    const env = c.env as Record<string, unknown>
    const { key, cacheScope } = await keys(env)
    const identity = await source.identify({
      cookies: CookieJar.of(request),
      env,
      cacheScope,
      identityOf,
      beforeLookup: lookupGuard(request, env, widget.rateLimit),
    })
    c.set('visitor', identity.kind === 'visitor' ? 'signed-in' : 'guest')
    const { fields, skipped, absent } = await admit(identity, request, env, widget)
    const token = { widgetId: widget.widgetId, ttlSeconds: widget.ttlSeconds, key }
    const { token: signed, dropped } = await issueWidgetToken(fields, token, Math.floor(Date.now() / 1000))
    if (dropped.length > 0) c.header(DROPPED_FIELDS_HEADER, dropped.join(', '))
    // For the request's log line: which optional fields the token lacks, and why.
    if (absent.length > 0 || skipped.length > 0 || dropped.length > 0) {
      c.set('notes', {
        ...(absent.length > 0 && { absent }),
        ...(skipped.length > 0 && { skipped }),
        ...(dropped.length > 0 && { dropped }),
      })
      // A claim the session lacks is ordinary (not every visitor has an email); one it holds but
      // cannot be used, or a field dropped for size, deserves a warning.
      if (skipped.length > 0 || dropped.length > 0) c.set('warn', true)
    }
    c.header('Cache-Control', NO_STORE)
    c.set('issued', signed.length)
    return c.json({ data: signed })
  }
}
