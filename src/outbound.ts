/**
 * @module Calls to other hosts (a login service's keys, the site's "who is this?" URL,
 * Turnstile's siteverify): always with a timeout, never following a redirect, and a failure
 * described for the log as `timeout_after_…ms` or `network_error: …`.
 */

export class OutboundError extends Error {
  override name = 'OutboundError'
}

export async function fetchWithin(url: URL, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { redirect: 'manual', ...init, signal: AbortSignal.timeout(timeoutMs) })
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
    const detail = error instanceof Error ? `${error.name}: ${error.message.slice(0, 120)}` : 'unknown'
    throw new OutboundError(timedOut ? `timeout_after_${timeoutMs}ms` : `network_error: ${detail}`)
  }
}
