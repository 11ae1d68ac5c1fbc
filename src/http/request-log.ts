/**
 * @module One log line and, with metrics, one data point per request, from the notes its
 * handlers leave: its outcome code, status, widget and duration, and Cloudflare's `cf-ray`
 * when present, so that Workers Logs can be searched by outcome and the dataset counted by
 * it. The standalone Worker and `widgetToken()` both record through here. Never a cookie,
 * token, secret or the visitor's identity.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { TokenServiceError } from '../errors.ts'
import { logEvent } from '../log.ts'
import type { Metrics, Visitor } from '../metrics.ts'

/** The widget whose path a request is on, as its log line and data point need it; set by the route. */
export interface WidgetNote {
  name: string
  /** The session source's kind (`jwt`, `cognito`, …). */
  source: string
  /** The Analytics Engine dataset, when configured. */
  metrics?: Metrics
  logTokensIssued: boolean
}

/** What a request's handlers leave for its log line and data point. */
export interface RequestNotes {
  /** The widget whose path the request is on: only such a request writes a data point. */
  widget?: WidgetNote
  failure?: TokenServiceError
  /** Extra fields, such as the attributes dropped to fit the size limit. */
  notes?: Record<string, unknown>
  /** True when the notes deserve a warning (a field left out, for instance). */
  warn?: boolean
  /** Whether the session named a visitor, once it was read. */
  visitor?: Visitor
  /** Set by the token route once a token is in the answer: its length in characters. */
  issued?: number
}

/**
 * The Hono env of an app a token route is mounted on: any app's bindings (the route reads only
 * what its settings name), and the notes for the request's log line.
 */
// biome-ignore lint/suspicious/noExplicitAny: an app of any shape may mount the route.
export type RouteEnv = { Bindings: any; Variables: RequestNotes }

/** The outcome of a request that got its token. */
export const TOKEN_ISSUED = 'TOKEN_ISSUED'

/** `onlyWidget`: the widget every request belongs to, when the Worker serves one (its 404s' lines name it). */
export function requestLog(onlyWidget?: string): MiddlewareHandler<RouteEnv> {
  return async function requestLog(c, next) {
    const started = Date.now()
    await next()
    logContext(c, started, onlyWidget)
  }
}

/** The notes a request's handlers left on its context. */
export function notesOf(c: { get<K extends keyof RequestNotes>(key: K): RequestNotes[K] }): RequestNotes {
  return {
    widget: c.get('widget'),
    failure: c.get('failure'),
    notes: c.get('notes'),
    warn: c.get('warn'),
    visitor: c.get('visitor'),
    issued: c.get('issued'),
  }
}

/** The request's data point and line, from the notes its handlers left on its context (`widgetToken()` runs on the app's). */
export function logContext(c: Context<RouteEnv>, started: number, onlyWidget?: string): void {
  recordRequest(c.req.raw, c.env, started, c.res.status, notesOf(c), c.req.path, onlyWidget)
}

/**
 * The request's data point, then its line; also used where no app runs (an invalid
 * configuration). The point is written first and without waiting: `writeDataPoint` returns at
 * once, and a failing one is logged, never thrown.
 */
export function recordRequest(
  request: Request,
  env: Record<string, unknown> | undefined,
  started: number,
  status: number,
  notes: RequestNotes,
  path = new URL(request.url).pathname,
  onlyWidget?: string,
): void {
  const ms = Date.now() - started
  const { widget } = notes
  if (widget?.metrics && countsAsTokenRequest(request.method, status)) {
    widget.metrics.write(env, request, status, ms, notes)
  }
  // The data point and Workers Logs' own invocation log already hold a plain success.
  if (widget && !widget.logTokensIssued && notes.issued !== undefined && !notes.warn) return
  logRequest(request, ms, status, notes, path, onlyWidget)
}

/**
 * Every request on a widget's path writes one data point, except a preflight the Worker let
 * through: the browser sends the token request after it, which writes its own. A refused
 * preflight is the only trace of that attempt, and counts.
 */
export function countsAsTokenRequest(method: string, status: number): boolean {
  return method !== 'OPTIONS' || status >= 400
}

/** The request's outcome: its code, `TOKEN_ISSUED`, or the status of any other answer. */
export function outcomeOf(status: number, notes: RequestNotes): string {
  return notes.failure?.code ?? (notes.issued !== undefined ? TOKEN_ISSUED : String(status))
}

/** Writes the request's line. Built field by field, in a fixed order: it runs on every request. */
function logRequest(
  request: Request,
  ms: number,
  status: number,
  notes: RequestNotes,
  path: string,
  onlyWidget: string | undefined,
) {
  const { failure } = notes
  const fields: Record<string, unknown> = { outcome: outcomeOf(status, notes), status }
  if (failure) {
    fields.reason = failure.reason
    Object.assign(fields, failure.logFields)
  }
  if (notes.notes) Object.assign(fields, notes.notes)
  const widget = notes.widget?.name || onlyWidget
  if (widget) fields.widget = widget
  fields.method = request.method
  fields.path = path.slice(0, 200)
  fields.ms = ms
  const ray = request.headers.get('cf-ray')
  if (ray !== null) fields.ray = ray
  logEvent(status >= 500 ? 'error' : notes.warn ? 'warn' : 'info', 'request', fields)
}
