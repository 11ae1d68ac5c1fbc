/**
 * @module `GET /token`: who the visitor is → contact fields → `{ "data": "<widget token>" }`.
 */
import type { Context } from 'hono'
import { contactIdentity } from '../attributes'
import type { Config } from '../config'
import type { WidgetConfig } from '../config/widgets'
import { TokenServiceError } from '../errors'
import { admit, lookupGuard } from '../guards/admission'
import { CookieJar } from '../session/cookies'
import type { SessionSource } from '../session/source'
import type { SessionClaims } from '../session/verify'
import { issueWidgetToken } from '../token'
import { NO_STORE } from './error-response'

/** Names the optional fields left out of the token to fit the widget's size limit. */
export const DROPPED_FIELDS_HEADER = 'X-Connect-Dropped-Attributes'

export function tokenHandler(config: Config, widget: WidgetConfig, source: SessionSource) {
  // Copies of a session are one visitor when this widget's token would carry the same for each.
  const identityOf = (claims: SessionClaims) => contactIdentity(claims, widget.mapping)
  return async function issueToken(c: Context): Promise<Response> {
    // Hono answers HEAD with the GET route: a HEAD must not issue (nor log, nor count) a token.
    if (c.req.method !== 'GET') throw new TokenServiceError('METHOD_NOT_ALLOWED', 'head_not_allowed')
    const request = c.req.raw
    const identity = await source.identify({
      cookies: CookieJar.of(request),
      env: c.env,
      cacheScope: config.cacheScope,
      identityOf,
      beforeLookup: lookupGuard(request, c.env, config),
    })
    const { fields, skipped, absent } = await admit(identity, request, c.env, config, widget)
    const { token, dropped } = await issueWidgetToken(fields, widget.token, Math.floor(Date.now() / 1000))
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
    c.set('issued', true)
    return c.json({ data: token })
  }
}
