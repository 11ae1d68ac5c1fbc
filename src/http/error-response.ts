/**
 * @module Errors → JSON responses: the one place a failure becomes HTTP, and its log line.
 */
import { TokenServiceError } from '../errors'
import { describeUnexpected, logEvent } from '../log'

/** Every response of this service is personal or an error: nothing may be cached. */
export const NO_STORE = 'no-store'

export function errorResponse(error: unknown, headers?: HeadersInit): Response {
  const failure = error instanceof TokenServiceError ? error : unexpected(error)
  const level = failure.status >= 500 ? 'error' : 'info'
  logEvent(level, 'request_refused', {
    code: failure.code,
    reason: failure.reason,
    status: failure.status,
    ...failure.logFields,
  })
  const response = Response.json(failure.toBody(), { status: failure.status, headers })
  response.headers.set('Cache-Control', NO_STORE)
  return response
}

function unexpected(error: unknown): TokenServiceError {
  logEvent('error', 'unexpected_error', describeUnexpected(error))
  return new TokenServiceError('INTERNAL_ERROR')
}
