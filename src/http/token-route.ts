/**
 * @module `GET /token`: session cookie → contact fields → `{ "data": "<widget token>" }`.
 */
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import { mapSessionToContact } from '../attributes'
import type { Config } from '../config'
import { logEvent } from '../log'
import { verifySession } from '../session/verify'
import { issueWidgetToken } from '../token'
import { NO_STORE } from './error-response'

/** Names the optional fields left out of the token to fit the widget's size limit. */
export const DROPPED_FIELDS_HEADER = 'X-Connect-Dropped-Attributes'

export function tokenHandler(config: Config) {
  return async function issueToken(c: Context): Promise<Response> {
    const claims = await verifySession(getCookie(c, config.session.cookieName), config.session)
    const { fields, skipped } = mapSessionToContact(claims, config.mapping)
    if (skipped.length > 0) logEvent('warn', 'fields_skipped', { skipped })
    const { token, dropped } = await issueWidgetToken(fields, config.widget, Math.floor(Date.now() / 1000))
    if (dropped.length > 0) {
      logEvent('warn', 'fields_dropped_for_size', { dropped })
      c.header(DROPPED_FIELDS_HEADER, dropped.join(', '))
    }
    c.header('Cache-Control', NO_STORE)
    return c.json({ data: token })
  }
}
