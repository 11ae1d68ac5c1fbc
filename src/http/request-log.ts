/**
 * @module One log line per request, success included: its outcome code, status, widget and
 * duration, and Cloudflare's `cf-ray` when present, so that Workers Logs can be searched
 * by outcome. Never a cookie, token, secret or the visitor's identity.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { TokenServiceError } from '../errors.ts'
import { logEvent } from '../log.ts'

/** What a request's handlers leave for its log line. */
export interface RequestNotes {
  /** The widget whose path the request is on. */
  widget?: string
  failure?: TokenServiceError
  /** Extra fields, such as the attributes dropped to fit the size limit. */
  notes?: Record<string, unknown>
  /** True when the notes deserve a warning (a field left out, for instance). */
  warn?: boolean
  /** Set by the token route once a token is in the answer. */
  issued?: boolean
}

/**
 * The Hono env of an app a token route is mounted on: any app's bindings (the route reads only
 * what its settings name), and the notes for the request's log line.
 */
// biome-ignore lint/suspicious/noExplicitAny: an app of any shape may mount the route.
export type RouteEnv = { Bindings: any; Variables: RequestNotes }

/** The outcome of a request that got its token. */
export const TOKEN_ISSUED = 'TOKEN_ISSUED'

/** `onlyWidget`: the widget every request belongs to, when the Worker serves one. */
export function requestLog(onlyWidget?: string): MiddlewareHandler<{ Variables: RequestNotes }> {
  return async function requestLog(c, next) {
    const started = Date.now()
    await next()
    logContext(c, started, onlyWidget)
  }
}

/** The request's line from the notes its handlers left on the context. */
export function logContext(c: Context<{ Variables: RequestNotes }>, started: number, onlyWidget?: string): void {
  const notes: RequestNotes = {
    widget: c.get('widget') ?? onlyWidget,
    failure: c.get('failure'),
    notes: c.get('notes'),
    warn: c.get('warn'),
    issued: c.get('issued'),
  }
  logRequest(c.req.raw, started, c.res.status, notes, c.req.path)
}

/**
 * Writes the request's line; also used where no app runs (an invalid configuration). Built
 * field by field, in a fixed order: it runs on every request.
 */
export function logRequest(
  request: Request,
  started: number,
  status: number,
  notes: RequestNotes,
  path = new URL(request.url).pathname,
) {
  const { failure } = notes
  const fields: Record<string, unknown> = {
    outcome: failure?.code ?? (notes.issued ? TOKEN_ISSUED : String(status)),
    status,
  }
  if (failure) {
    fields.reason = failure.reason
    Object.assign(fields, failure.logFields)
  }
  if (notes.notes) Object.assign(fields, notes.notes)
  if (notes.widget) fields.widget = notes.widget
  fields.method = request.method
  fields.path = path.slice(0, 200)
  fields.ms = Date.now() - started
  const ray = request.headers.get('cf-ray')
  if (ray !== null) fields.ray = ray
  logEvent(status >= 500 ? 'error' : notes.warn ? 'warn' : 'info', 'request', fields)
}
