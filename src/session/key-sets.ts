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
 * - Keys fetched by one isolate serve the location's others (`key-set-cache.ts`).
 * - Only when no usable key was ever obtained (or the last is too stale) is the answer
 *   `503 SESSION_KEYS_UNAVAILABLE`, with `Retry-After`.
 */
import { createLocalJWKSet, exportJWK, importX509, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose'
import { JOSEError, JWKSNoMatchingKey } from 'jose/errors'
import { TokenServiceError } from '../errors.ts'
import { logEvent } from '../log.ts'
import { fetchWithin, OutboundError, readBodyWithin } from '../outbound.ts'
import { readSharedKeySet, type SharedKeySet, shareKeySet } from './key-set-cache.ts'

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
  /** Salts the shared entry's name in the location's cache (see `edge-cache.ts`). */
  cacheScope: string
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
  /** The host's `Cache-Control: max-age`, within bounds, else `refreshAfterMs`. */
  #refreshAfterMs: number
  readonly #timing: KeySetTiming
  readonly #now: () => number
  readonly #maxStaleMs: number
  readonly #cacheScope: string

  constructor(
    readonly url: URL,
    options: KeySetOptions,
  ) {
    this.#timing = { ...DEFAULT_KEY_SET_TIMING, ...options.timing }
    this.#refreshAfterMs = this.#timing.refreshAfterMs
    this.#now = options.now ?? Date.now
    this.#maxStaleMs = options.maxStaleMs
    this.#cacheScope = options.cacheScope
  }

  /** A key resolver for `jwtVerify`. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const keys = await this.#usableKeys()
    try {
      return await keys(header, token)
    } catch (error) {
      if (!(error instanceof JWKSNoMatchingKey) || !this.#cooledDown()) throw error
      // Perhaps the keys were rotated: one fetch per cooldown, whatever tokens arrive.
      await this.#refresh('unknown_kid')
      return (this.#keys ?? keys)(header, token)
    }
  }

  /**
   * After a session without `kid` failed every key held: one fetch per cooldown, as for an
   * unknown `kid` (a kid-less key added to the set). True when the keys changed.
   */
  readonly refreshKeys = async (): Promise<boolean> => {
    if (!this.#cooledDown()) return false
    const before = this.#keys
    await this.#refresh('no_key_verified')
    return this.#keys !== before
  }

  #cooledDown(): boolean {
    return this.#now() - this.#lastFetchAt >= this.#timing.cooldownMs && this.#now() >= this.#retryAt
  }

  async #usableKeys(): Promise<LocalKeySet> {
    if (this.#keys && this.#age() < this.#refreshAfterMs) return this.#keys
    if (this.#now() >= this.#retryAt) await this.#refresh(this.#keys ? 'expired' : 'first_use')
    if (this.#keys && this.#age() <= this.#refreshAfterMs + this.#maxStaleMs) return this.#keys
    const retryAfterSeconds = Math.max(1, Math.ceil((this.#retryAt - this.#now()) / 1000))
    throw new TokenServiceError('SESSION_KEYS_UNAVAILABLE', `jwks: ${this.#lastFailure}`, {
      retryAfterSeconds,
      log: { jwks_host: this.url.host, ...(this.#keys && { stale_seconds: Math.round(this.#age() / 1000) }) },
    })
  }

  #use({ jwks, fetchedAt, refreshAfterMs }: SharedKeySet): void {
    this.#keys = createLocalJWKSet(jwks)
    this.#fetchedAt = fetchedAt
    this.#refreshAfterMs = refreshAfterMs
    this.#failures = 0
    this.#retryAt = 0
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
    // Another isolate of this location may hold fresh keys; a key the set lacks asks the host itself.
    const shared =
      why === 'unknown_kid' || why === 'no_key_verified'
        ? undefined
        : await readSharedKeySet(this.url, this.#cacheScope)
    if (shared && this.#now() - shared.fetchedAt < shared.refreshAfterMs) {
      // The unknown-kid cooldown counts from when the location last asked the host.
      this.#lastFetchAt = shared.fetchedAt
      this.#use(shared)
      return
    }
    this.#lastFetchAt = this.#now()
    try {
      const { jwks, maxAgeMs } = await downloadKeySet(this.url, this.#timing.fetchTimeoutMs)
      const fresh = { jwks, fetchedAt: this.#now(), refreshAfterMs: maxAgeMs ?? this.#timing.refreshAfterMs }
      this.#use(fresh)
      await shareKeySet(this.url, this.#cacheScope, fresh)
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

/**
 * The largest key set read: real ones are a few KB (Google's certificates ~4 KB); a larger body
 * is refused before it is parsed, so a broken or hostile host cannot cost seconds of CPU.
 */
const MAX_KEY_SET_BYTES = 1_048_576

/** A host's max-age is honoured between a minute and a day. */
const MIN_MAX_AGE_MS = 60_000
const MAX_MAX_AGE_MS = 86_400_000

async function downloadKeySet(url: URL, timeoutMs: number): Promise<{ jwks: JSONWebKeySet; maxAgeMs?: number }> {
  const headers = { accept: 'application/json, application/jwk-set+json' }
  const response = await fetchWithin(url, { headers }, timeoutMs)
  if (response.status !== 200) {
    await response.body?.cancel()
    throw new KeySetFetchError(`http_${response.status}`)
  }
  const text = await readBodyWithin(response, MAX_KEY_SET_BYTES, timeoutMs)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new KeySetFetchError('not_json')
  }
  const maxAge = /max-age=(\d+)/.exec(response.headers.get('Cache-Control') ?? '')?.[1]
  const maxAgeMs =
    maxAge === undefined ? undefined : Math.min(Math.max(Number(maxAge) * 1000, MIN_MAX_AGE_MS), MAX_MAX_AGE_MS)
  return { jwks: isCertificateMap(body) ? await certificatesAsKeySet(body) : (body as JSONWebKeySet), maxAgeMs }
}

/** Google's form for Firebase session cookies: `{ "<kid>": "-----BEGIN CERTIFICATE-----…" }`. */
function isCertificateMap(body: unknown): body is Record<string, string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || 'keys' in body) return false
  const values = Object.values(body)
  return (
    values.length > 0 && values.every((pem) => typeof pem === 'string' && pem.startsWith('-----BEGIN CERTIFICATE-----'))
  )
}

/** Each certificate's public key, as the JWK jose's local key sets select by `kid`. */
async function certificatesAsKeySet(certificates: Record<string, string>): Promise<JSONWebKeySet> {
  const keys = await Promise.all(
    Object.entries(certificates).map(async ([kid, pem]) => {
      const key = await importX509(pem, 'RS256', { extractable: true })
      return { ...(await exportJWK(key)), kid, alg: 'RS256', use: 'sig' }
    }),
  )
  return { keys }
}

function describeFailure(error: unknown): string {
  if (error instanceof KeySetFetchError || error instanceof OutboundError) return error.message
  if (error instanceof JOSEError) return `${error.code}: ${error.message}`
  return error instanceof Error ? `${error.name}: ${error.message.slice(0, 120)}` : 'unknown'
}
