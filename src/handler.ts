/**
 * @module `widgetToken()`: the token endpoint as a Hono handler for your own app.
 *
 * ```ts
 * app.all('/token', widgetToken({ widgetId: 'support-widget', session: jwtCookie({ … }), mapping: [ … ] }))
 * ```
 *
 * The options are checked when it is called, by the validator the standalone Worker runs over
 * its vars: every mistake at once, as a `TypeError` naming each option. Secrets are never
 * options: `secret` names the binding that holds the widget's key (by default
 * `CONNECT_SECRET`) or is a function of the request's env. It answers on its own route only:
 * `GET` a token, `OPTIONS` and credentialed CORS for `origins`, the same coded JSON errors and
 * one log line per request as the standalone Worker; your app's other routes and vars are its own.
 */
import type { MiddlewareHandler } from 'hono'
import { Hono } from 'hono/tiny'
import type { ContactFieldValues, MappingFunction } from './attributes.ts'
import { checkOptions, type SecretRef } from './config/input.ts'
import { ConfigProblems } from './config/problems.ts'
import { optionalString } from './config/values.ts'
import { DEFAULT_WIDGET_SECRET, readWidgetSettings, type WidgetSettingName } from './config/widget.ts'
import { InvalidConfigError } from './errors.ts'
import type { RateLimiter } from './guards/rate-limit.ts'
import type { Turnstile } from './guards/turnstile.ts'
import { failureResponse } from './http/error-response.ts'
import { logContext, type RouteEnv } from './http/request-log.ts'
import { type TokenRoute, tokenRoute } from './http/token-route.ts'
import type { Metrics } from './metrics.ts'
import type { SessionSource } from './session/source.ts'

/** One entry of a mapping: where one field of the widget token comes from (README, "The contact mapping"). */
export interface MappingEntry {
  /** `attributes.NAME`, `customerId`, `relatedContactId` or `segmentAttributes.NAME`. */
  to: string
  /** A claim, as a dot path (`profile.tier`) or a list of names (for names with dots). */
  claim?: string | string[]
  /** A literal instead of a claim. */
  value?: string | number | boolean
  /** Used when the claim is absent or null. */
  default?: string | number | boolean
  required?: boolean
  /** Objects and arrays only with this: as JSON text. */
  serialize?: 'json'
}

export interface WidgetTokenOptions {
  /** The widget id from the Connect snippet: the token's `sub`. */
  widgetId: string
  /** Who the visitor is: `jwtCookie()`, `introspection()`, `kvSessions()`, `cognito()`, … */
  session: SessionSource
  /** The widget's 44-character security key: a binding name (default `CONNECT_SECRET`), or `(env) => key`. */
  secret?: SecretRef
  /** Most important first (the bottom is dropped first to fit 3,072 characters), or a function of the claims. */
  mapping?: MappingEntry[] | MappingFunction
  /** The token's lifetime, 1–600 s (default 300). */
  ttlSeconds?: number
  /** Origins allowed cross-origin, exact or `https://*.example.com`; same-origin needs none. */
  origins?: string[]
  /** Visitors not signed in get a token with these literal fields; absent: `401 SESSION_MISSING`. */
  guests?: {
    mapping?: MappingEntry[]
    /** Guests must pass Turnstile: `turnstile({ secret: 'TURNSTILE_SECRET' })`. */
    turnstile?: Turnstile
  }
  /** Tokens per client IP (guests) or subject: `rateLimiter('NAME')`, NAME a `[[ratelimits]]` binding. */
  rateLimit?: RateLimiter
  /** One data point per token request (README, "Operations"): `analyticsEngine('NAME')`, NAME a dataset binding. */
  metrics?: Metrics
  /** With `metrics`, `false` leaves out the log line of a token issued without a warning (refusals always log). */
  logTokensIssued?: boolean
  /** The widget's name in log lines and data points (default: its id). */
  name?: string
}

export type { ContactFieldValues, MappingFunction, Metrics, RateLimiter, SecretRef, SessionSource, Turnstile }

/** The options `widgetToken()` knows (the README's table lists each). */
export const WIDGET_TOKEN_OPTIONS = [
  'widgetId',
  'session',
  'secret',
  'mapping',
  'ttlSeconds',
  'origins',
  'guests',
  'rateLimit',
  'metrics',
  'logTokensIssued',
  'name',
]

/** The token route, checked now; mount it with `app.all(path, …)` (`app.get` for same-origin use only). */
export function widgetToken(options: WidgetTokenOptions): MiddlewareHandler {
  return tokenHandler(checkedRoute(options, 'widgetToken()'))
}

function tokenHandler(route: TokenRoute): MiddlewareHandler {
  // The route runs on the app's own context, its errors answered and logged here: the app's
  // `onError` and `notFound` never see them, and its other routes never see this one's CORS.
  return async function widgetToken(c) {
    const started = Date.now()
    try {
      const preflight = await route.guard(c, async () => {
        c.res = c.req.method === 'GET' || c.req.method === 'HEAD' ? await route.issue(c) : route.rest(c)
      })
      if (preflight) c.res = preflight
    } catch (error) {
      c.res = failureResponse(error, c)
    }
    logContext(c, started)
    return c.res
  }
}

/**
 * The token route for a Worker without Hono (`export default { fetch }`, or a framework's
 * Worker): a `fetch` to call for the token path, checked now as `widgetToken()` is.
 */
export function widgetTokenFetch(
  options: WidgetTokenOptions,
): (request: Request, env: Record<string, unknown>, ctx?: ExecutionContext) => Promise<Response> {
  const app = new Hono<RouteEnv>()
  app.all('*', tokenHandler(checkedRoute(options, 'widgetTokenFetch()')))
  return async (request, env, ctx) => app.fetch(request, env, ctx)
}

const GUEST_OPTIONS = ['mapping', 'turnstile']

function checkedRoute(options: WidgetTokenOptions, call: string): TokenRoute {
  const problems = new ConfigProblems()
  if (!checkOptions(options, WIDGET_TOKEN_OPTIONS, problems, { call }))
    throw new InvalidConfigError(problems.found, call)
  const { guests, session } = options
  if (guests !== undefined) checkOptions(guests, GUEST_OPTIONS, problems, { call, key: 'guests' })
  if (typeof session === 'function') {
    problems.add('session', 'is a factory, not a session source: call it, as in jwtCookie({ … })')
  } else if (typeof session?.identify !== 'function') {
    problems.add('session', 'is required: a session source such as jwtCookie({ … }) or cognito({ … })')
  }
  const name = problems.read(() => optionalString('name', options.name))
  const settings = readWidgetSettings(optionsInput(options), problems)
  if (problems.found.length > 0 || !settings) throw new InvalidConfigError(problems.found, call)
  return tokenRoute({ ...settings, name: name ?? settings.widgetId }, session)
}

/** The options as the validator reads them, each under the name the user wrote. */
function optionsInput(options: WidgetTokenOptions) {
  const { guests } = options
  const values: Record<WidgetSettingName, unknown> = {
    widgetId: options.widgetId,
    secret: options.secret ?? DEFAULT_WIDGET_SECRET,
    ttlSeconds: options.ttlSeconds,
    origins: options.origins,
    mapping: options.mapping,
    guests: guests === undefined ? undefined : 'allow',
    guestMapping: guests?.mapping,
    turnstile: guests?.turnstile,
    turnstileSecret: undefined,
    turnstileVerifyUrl: undefined,
    rateLimit: options.rateLimit,
    metrics: options.metrics,
    logTokensIssued: options.logTokensIssued,
  }
  const keys: Partial<Record<WidgetSettingName, string>> = {
    guestMapping: 'guests.mapping',
    turnstile: 'guests.turnstile',
  }
  return {
    form: 'options' as const,
    key: (name: WidgetSettingName) => keys[name] ?? name,
    value: (name: WidgetSettingName) => values[name],
  }
}
