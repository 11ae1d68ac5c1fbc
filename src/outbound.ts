/**
 * @module Calls to other hosts (a login service's keys, the site's "who is this?" URL,
 * Turnstile's siteverify): always with a timeout, never following a redirect, bodies read
 * within a size limit, and a failure described for the log as `timeout_after_…ms`,
 * `network_error: …`, `body_too_large` or `body_read_failed: …`.
 */

export class OutboundError extends Error {
  override name = 'OutboundError'
}

export async function fetchWithin(url: URL, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    // The timeout's signal also bounds reading the body (`readBodyWithin`).
    return await fetch(url, { redirect: 'manual', ...init, signal: AbortSignal.timeout(timeoutMs) })
  } catch (error) {
    throw new OutboundError(failureOf(error, timeoutMs, 'network_error'))
  }
}

/**
 * The body as text, at most `maxBytes` (a declared or actual larger body is refused without
 * reading the rest). A host that stalls mid-body hits the call's timeout (`timeoutMs`, the one
 * given to `fetchWithin`), reported as one.
 */
export async function readBodyWithin(response: Response, maxBytes: number, timeoutMs: number): Promise<string> {
  const declared = Number(response.headers.get('Content-Length') ?? 0)
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {})
    throw new OutboundError('body_too_large')
  }
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) {
        await reader.cancel().catch(() => {})
        throw new OutboundError('body_too_large')
      }
      chunks.push(value)
    }
  } catch (error) {
    if (error instanceof OutboundError) throw error
    throw new OutboundError(failureOf(error, timeoutMs, 'body_read_failed'))
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(bytes)
}

function failureOf(error: unknown, timeoutMs: number, kind: string): string {
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
  if (timedOut) return `timeout_after_${timeoutMs}ms`
  const detail = error instanceof Error ? `${error.name}: ${error.message.slice(0, 120)}` : 'unknown'
  return `${kind}: ${detail}`
}
