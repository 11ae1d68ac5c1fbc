/**
 * @module Errors → JSON responses: the one place a failure becomes HTTP.
 */
import { TokenServiceError } from '../errors'
import { describeUnexpected } from '../log'

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
