/**
 * @module Remote session keys (a JWKS) that survive their host, built on jose's
 * `createLocalJWKSet`. jose's own remote set forgets its keys after its cache age, and on
 * Workers fetches once per waiting request; a login service's outage would become ours.
 *
 * - The last good key set keeps serving while refreshes fail, for `maxStaleMs`, and the
 *   staleness is logged. A failed fetch is retried with exponential backoff, never per request.
 * - Concurrent refreshes are one fetch (single flight); every fetch has a short timeout.
 * - A `kid` the set lacks triggers at most one fetch per cooldown; otherwise the session is
 *   refused at once (401). A token's contents never cause a 5xx.
 * - Only when no usable key was ever obtained (or the last is too stale) is the answer
 *   `503 SESSION_KEYS_UNAVAILABLE`, with `Retry-After`.
 */
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose'
import { TokenServiceError } from '../errors'
import { logEvent } from '../log'

export interface KeySetTiming {
  /** Keys older than this are refreshed (jose's default cache age, 10 minutes). */
  refreshAfterMs: number
  /** At most one fetch per this long for a `kid` the set does not hold. */
  cooldownMs: number
  /** A key set download that takes longer is abandoned. */
  fetchTimeoutMs: number
  /** The wait after a first failed fetch; it doubles with each failure, up to `maxBackoffMs`. */
  firstBackoffMs: number
  maxBackoffMs: number
}

export const DEFAULT_KEY_SET_TIMING: KeySetTiming = {
  refreshAfterMs: 600_000,
  cooldownMs: 30_000,
  fetchTimeoutMs: 3_000,
  firstBackoffMs: 5_000,
  maxBackoffMs: 300_000,
}

export interface KeySetOptions {
  /** How long past `refreshAfterMs` the last good keys keep serving while refreshes fail. */
  maxStaleMs: number
  timing?: Partial<KeySetTiming>
  /** The clock, for tests. */
  now?: () => number
}

type LocalKeySet = ReturnType<typeof createLocalJWKSet>

export class RemoteKeySet {
  // Private (#) fields: the state is nobody else's business, and the minifier shortens them.
  #keys?: LocalKeySet
  #fetchedAt = 0
  #lastFetchAt = Number.NEGATIVE_INFINITY
  #failures = 0
  #retryAt = 0
  #lastFailure = 'not fetched yet'
  #inflight?: Promise<void>
  readonly #timing: KeySetTiming
  readonly #now: () => number
  readonly #maxStaleMs: number

  constructor(
    readonly url: URL,
    options: KeySetOptions,
  ) {
    this.#timing = { ...DEFAULT_KEY_SET_TIMING, ...options.timing }
    this.#now = options.now ?? Date.now
    this.#maxStaleMs = options.maxStaleMs
  }

  /** A key resolver for `jwtVerify`. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const keys = await this.#usableKeys()
    try {
      return await keys(header, token)
    } catch (error) {
      const cooledDown = this.#now() - this.#lastFetchAt >= this.#timing.cooldownMs && this.#now() >= this.#retryAt
      if (!(error instanceof errors.JWKSNoMatchingKey) || !cooledDown) throw error
      // Perhaps the keys were rotated: one fetch per cooldown, whatever tokens arrive.
      await this.#refresh('unknown_kid')
      return (this.#keys ?? keys)(header, token)
    }
  }

  async #usableKeys(): Promise<LocalKeySet> {
    if (this.#keys && this.#age() < this.#timing.refreshAfterMs) return this.#keys
    if (this.#now() >= this.#retryAt) await this.#refresh(this.#keys ? 'expired' : 'first_use')
    if (this.#keys && this.#age() <= this.#timing.refreshAfterMs + this.#maxStaleMs) return this.#keys
    const retryAfterSeconds = Math.max(1, Math.ceil((this.#retryAt - this.#now()) / 1000))
    throw new TokenServiceError('SESSION_KEYS_UNAVAILABLE', `jwks: ${this.#lastFailure}`, {
      retryAfterSeconds,
      log: { jwks_host: this.url.host, ...(this.#keys && { stale_seconds: Math.round(this.#age() / 1000) }) },
    })
  }

  #age(): number {
    return this.#now() - this.#fetchedAt
  }

  /** One fetch at a time per isolate: concurrent callers wait for the same one. */
  #refresh(why: string): Promise<void> {
    this.#inflight ??= this.#fetchKeys(why).finally(() => {
      this.#inflight = undefined
    })
    return this.#inflight
  }

  async #fetchKeys(why: string): Promise<void> {
    this.#lastFetchAt = this.#now()
    try {
      this.#keys = createLocalJWKSet(await downloadKeySet(this.url, this.#timing.fetchTimeoutMs))
      this.#fetchedAt = this.#now()
      this.#failures = 0
      this.#retryAt = 0
    } catch (error) {
      this.#failures += 1
      const backoff = Math.min(this.#timing.firstBackoffMs * 2 ** (this.#failures - 1), this.#timing.maxBackoffMs)
      this.#retryAt = this.#now() + backoff
      this.#lastFailure = describeFailure(error)
      logEvent(this.#keys ? 'warn' : 'error', 'session_keys_refresh_failed', {
        jwks_host: this.url.host,
        why,
        reason: this.#lastFailure,
        failures: this.#failures,
        retry_in_seconds: Math.round(backoff / 1000),
        // With keys in hand, they keep serving: say how old they are.
        ...(this.#keys && { serving_stale_seconds: Math.round(this.#age() / 1000) }),
      })
    }
  }
}

/** A failed download, saying how: the host's status, a timeout, or what was wrong with the body. */
class KeySetFetchError extends Error {
  override name = 'KeySetFetchError'
}

async function downloadKeySet(url: URL, timeoutMs: number): Promise<JSONWebKeySet> {
  let response: Response
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json, application/jwk-set+json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
    throw new KeySetFetchError(timedOut ? `timeout_after_${timeoutMs}ms` : `network_error: ${describeFailure(error)}`)
  }
  if (response.status !== 200) {
    await response.body?.cancel()
    throw new KeySetFetchError(`http_${response.status}`)
  }
  try {
    return (await response.json()) as JSONWebKeySet
  } catch {
    throw new KeySetFetchError('not_json')
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof KeySetFetchError) return error.message
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`
  return error instanceof Error ? `${error.name}: ${error.message.slice(0, 120)}` : 'unknown'
}
