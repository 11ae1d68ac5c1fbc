/**
 * @module `GET /token`: who the visitor is → contact fields → `{ "data": "<widget token>" }`.
 */
import type { Context } from 'hono'
import type { Config } from '../config'
import type { WidgetConfig } from '../config/widgets'
import { admit } from '../guards/admission'
import type { SessionSource } from '../session/source'
import { issueWidgetToken } from '../token'
import { NO_STORE } from './error-response'

/** Names the optional fields left out of the token to fit the widget's size limit. */
export const DROPPED_FIELDS_HEADER = 'X-Connect-Dropped-Attributes'

export function tokenHandler(config: Config, widget: WidgetConfig, source: SessionSource) {
  return async function issueToken(c: Context): Promise<Response> {
    const identity = await source.identify(c.req.raw, c.env)
    const { fields, skipped } = await admit(identity, c.req.raw, c.env, config, widget)
    const { token, dropped } = await issueWidgetToken(fields, widget.token, Math.floor(Date.now() / 1000))
    if (dropped.length > 0) c.header(DROPPED_FIELDS_HEADER, dropped.join(', '))
    if (skipped.length > 0 || dropped.length > 0) {
      // For the request's log line: which optional fields the token lacks, and why.
      c.set('notes', { ...(skipped.length > 0 && { skipped }), ...(dropped.length > 0 && { dropped }) })
      c.set('warn', true)
    }
    c.header('Cache-Control', NO_STORE)
    c.set('issued', true)
    return c.json({ data: token })
  }
}
