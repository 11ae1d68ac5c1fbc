/**
 * @module Errors → JSON responses: the one place a failure becomes HTTP.
 */
import type { Context, Hono } from 'hono'
import { TokenServiceError } from '../errors.ts'
import { describeUnexpected } from '../log.ts'
import { ALLOW } from './headers.ts'
import type { RouteEnv } from './request-log.ts'

/** Every response of this service is personal or an error: nothing may be cached. */
export const NO_STORE = 'no-store'

/** Any thrown value as a coded failure: an unexpected one becomes `INTERNAL_ERROR`, its name kept for the log. */
export function asFailure(error: unknown): TokenServiceError {
  if (error instanceof TokenServiceError) return error
  return new TokenServiceError('INTERNAL_ERROR', 'unexpected_error', { log: { error: describeUnexpected(error) } })
}

export function errorResponse(failure: TokenServiceError, headers?: HeadersInit): Response {
  const response = Response.json(failure.toBody(), { status: failure.status, headers })
  response.headers.set('Cache-Control', NO_STORE)
  // Whether an origin is refused depends on it, so shared caches must key on it.
  response.headers.set('Vary', 'Origin')
  if (failure.retryAfterSeconds !== undefined) response.headers.set('Retry-After', String(failure.retryAfterSeconds))
  return response
}

type AnyApp = Hono<RouteEnv>

/** Every failure on `app` as its coded JSON answer, noted for the request's log line. */
export function answerErrors(app: AnyApp): void {
  app.notFound((c) => {
    const failure = new TokenServiceError('NOT_FOUND')
    c.set('failure', failure)
    return errorResponse(failure)
  })
  // Hono merges headers already set (CORS, Vary) into the response returned here.
  app.onError((error, c) => failureResponse(error, c))
}

/** Any thrown value as its coded JSON answer, noted for the request's log line. */
export function failureResponse(error: unknown, c: Context): Response {
  const failure = asFailure(error)
  c.set('failure', failure)
  return errorResponse(failure, failure.code === 'METHOD_NOT_ALLOWED' ? { Allow: ALLOW } : undefined)
}
