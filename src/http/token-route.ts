/**
 * @module `GET /token`: session cookie → contact fields → `{ "data": "<widget token>" }`.
 */
import type { Context } from 'hono'
import { mapSessionToContact } from '../attributes'
import type { Config } from '../config'
import { cookieValues } from '../session/cookies'
import { verifySession } from '../session/verify'
import { issueWidgetToken } from '../token'
import { NO_STORE } from './error-response'

/** Names the optional fields left out of the token to fit the widget's size limit. */
export const DROPPED_FIELDS_HEADER = 'X-Connect-Dropped-Attributes'

export function tokenHandler(config: Config) {
  return async function issueToken(c: Context): Promise<Response> {
    const claims = await verifySession(cookieValues(c.req.header('Cookie'), config.session.cookieName), config.session)
    const { fields, skipped } = mapSessionToContact(claims, config.mapping)
    const { token, dropped } = await issueWidgetToken(fields, config.widget, Math.floor(Date.now() / 1000))
    if (dropped.length > 0) c.header(DROPPED_FIELDS_HEADER, dropped.join(', '))
    if (skipped.length > 0 || dropped.length > 0) {
      // For the request's log line: which optional fields the token lacks, and why.
      c.set('notes', { ...(skipped.length > 0 && { skipped }), ...(dropped.length > 0 && { dropped }) })
      c.set('warn', true)
    }
    c.header('Cache-Control', NO_STORE)
    return c.json({ data: token })
  }
}
