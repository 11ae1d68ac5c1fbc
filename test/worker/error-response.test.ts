import { afterEach, describe, expect, it, vi } from 'vitest'
import { ERROR_CODES, TokenServiceError } from '../../src/errors'
import { errorResponse } from '../../src/http/error-response'
import { fetchWorker, sessionCookie, tokenRequest } from './helpers'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('errorResponse', () => {
  it.each(Object.entries(ERROR_CODES))('Should answer %s with its status and JSON body', async (code, entry) => {
    const response = errorResponse(new TokenServiceError(code as keyof typeof ERROR_CODES, 'detail-for-the-log'))
    expect(response.status).toBe(entry.status)
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    const body = await response.text()
    expect(JSON.parse(body)).toEqual({ error: { code, message: entry.message } })
    expect(body).not.toContain('detail-for-the-log')
  })

  it('Should answer 500 INTERNAL_ERROR for an unexpected error, logging it with JWTs cut out', async () => {
    const error = vi.spyOn(console, 'error')
    const jwt = await sessionCookie()
    const response = errorResponse(new TypeError(`cannot read ${jwt} today`))
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({ error: { code: 'INTERNAL_ERROR', message: expect.any(String) } })
    const logged = error.mock.calls.map((call) => JSON.parse(String(call[0])))
    expect(logged[0]).toEqual({
      level: 'error',
      event: 'unexpected_error',
      name: 'TypeError',
      message: 'cannot read [redacted] today',
    })
  })

  it('Should log refusals with code and reason only', () => {
    const info = vi.spyOn(console, 'info')
    errorResponse(new TokenServiceError('SESSION_INVALID', 'bad_signature'))
    expect(JSON.parse(String(info.mock.calls[0][0]))).toEqual({
      level: 'info',
      event: 'request_refused',
      code: 'SESSION_INVALID',
      reason: 'bad_signature',
      status: 401,
    })
  })
})

describe('HEAD /token', () => {
  it('Should answer like GET, without a body', async () => {
    const response = await fetchWorker(tokenRequest(await sessionCookie(), { method: 'HEAD' }))
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('')
  })
})
