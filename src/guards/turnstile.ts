/**
 * @module Cloudflare Turnstile for anonymous tokens: the page sends the widget's response in
 * the `CF-Turnstile-Response` header, and it is checked with siteverify (`secret`,
 * `response`, `remoteip`) before a guest gets a token.
 */
import { requireSecret, type SecretRef } from '../config/input.ts'
import { TokenServiceError } from '../errors.ts'
import { fetchWithin } from '../outbound.ts'

export interface TurnstileConfig {
  /** The Turnstile widget's secret key, read from the request's env. */
  secret: SecretRef
  verifyUrl: URL
}

export const TURNSTILE_HEADER = 'CF-Turnstile-Response'

export const DEFAULT_TURNSTILE_VERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify'

const TIMEOUT_MS = 3_000

export async function requireTurnstile(
  request: Request,
  config: TurnstileConfig,
  env: Record<string, unknown>,
): Promise<void> {
  const response = request.headers.get(TURNSTILE_HEADER)
  if (!response) throw new TokenServiceError('TURNSTILE_FAILED', 'turnstile_response_missing')
  const form = new URLSearchParams()
  form.set('secret', requireSecret(config.secret, env))
  form.set('response', response.slice(0, 2048))
  const ip = request.headers.get('CF-Connecting-IP')
  if (ip) form.set('remoteip', ip)
  let outcome: { success?: unknown; 'error-codes'?: unknown }
  try {
    const answer = await fetchWithin(config.verifyUrl, { method: 'POST', body: form }, TIMEOUT_MS)
    if (!answer.ok) throw new Error(`http_${answer.status}`)
    outcome = await answer.json()
  } catch (error) {
    throw new TokenServiceError('TURNSTILE_UNAVAILABLE', `siteverify: ${(error as Error).message.slice(0, 80)}`, {
      retryAfterSeconds: 5,
    })
  }
  if (outcome.success !== true) {
    throw new TokenServiceError('TURNSTILE_FAILED', 'turnstile_refused', {
      log: { turnstile_errors: Array.isArray(outcome['error-codes']) ? outcome['error-codes'].slice(0, 5) : [] },
    })
  }
}
