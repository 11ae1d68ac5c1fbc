/**
 * @module Opaque session cookies (express-session, Django, Rails, Laravel, Auth.js database
 * sessions): the site's own "who is this?" URL answers, and its JSON is mapped like claims.
 *
 * Only the configured cookie is forwarded, only to the configured URL, and only a cookie a
 * browser could have sent (the cookie reader's size and character checks), at most
 * `MAX_LOOKED_UP_COOKIES` copies a request: a request never turns into more calls than that,
 * and the rate limit runs before the first. 2xx JSON object: a visitor; 401/403: nobody signed
 * in; another 4xx: the site refuses the cookie itself (`401 SESSION_INVALID`); anything else
 * (5xx, a redirect, a timeout, a body that stalls, is not JSON or is too large):
 * `503 SESSION_UNAVAILABLE`, never a token.
 *
 * Answers are cached at the edge (`caches.default`) under a SHA-256 of the deployment's cache
 * scope, the URL and the cookie, never the cookie itself, and concurrent misses for one cookie
 * in an isolate make one call. The isolate also remembers the answers it has seen until the
 * same expiry (within a count and a byte budget), so a visitor's next token skips the cache's
 * round trip.
 */
import type { SecretRef } from '../config/input.ts'
import { integerInRange, requiredString, secureUrl } from '../config/values.ts'
import { MAX_LOOKED_UP_COOKIES } from '../constants.ts'
import { edgeCacheKey, readEdgeCache, writeEdgeCache } from '../edge-cache.ts'
import { sessionUnavailable, TokenServiceError } from '../errors.ts'
import { fetchWithin, OutboundError, readBodyWithin } from '../outbound.ts'
import { percentDecoded, readCookieName } from './cookies.ts'
import { claimNumber, parseExactly } from './exact-json.ts'
import { type SessionRecipe, sourceFromOptions } from './recipe.ts'
import { readSignature, SIGNATURE_VARS, signatureChecker } from './signed-cookie.ts'
import { eachCookie, type IdentifyContext, type Identity, oneVisitor, type SessionSource } from './source.ts'

export interface IntrospectionOptions {
  /** The session cookie's name (default `session`), forwarded as the browser sent it. */
  cookie?: string
  /** The site's "who is this?" URL (https; plain http only on loopback). */
  url: string
  /** How long to wait for the site, 100–10,000 ms (default 1,500); then `503 SESSION_UNAVAILABLE`. */
  timeoutMs?: number
  /** How long a signed-in answer is reused at the edge, 0–3,600 s (default 60). */
  cacheSeconds?: number
  /** How long a signed-out answer is reused, 0–300 s (default 10). */
  negativeCacheSeconds?: number
  /** `"express-session"`: the cookie's `s:<id>.<signature>` is checked with `secret` before any call. */
  cookieSignature?: 'express-session'
  secret?: SecretRef
}

const VARS = {
  cookie: 'SESSION_COOKIE',
  url: 'SESSION_INTROSPECTION_URL',
  timeoutMs: 'SESSION_INTROSPECTION_TIMEOUT_MS',
  cacheSeconds: 'SESSION_INTROSPECTION_CACHE_SECONDS',
  negativeCacheSeconds: 'SESSION_INTROSPECTION_NEGATIVE_CACHE_SECONDS',
  ...SIGNATURE_VARS,
} as const

export interface IntrospectionSettings {
  cookie: string
  url: URL
  timeoutMs: number
  cacheSeconds: number
  negativeCacheSeconds: number
  /** When set, express-session's `s:<id>.<signature>` is checked before calling out. */
  signature?: SecretRef
}

/** The largest answer read from the site: a "who is this?" answer is a few hundred bytes. */
const MAX_ANSWER_BYTES = 65_536

const SIGNED_OUT: Identity = { kind: 'anonymous', why: 'site_says_signed_out' }

/** Answers an isolate remembers at most, in number and in bytes; beyond, the oldest is forgotten. */
const REMEMBERED_ANSWERS = 1_000
const REMEMBERED_BYTES = 2_097_152

/** An answer as cached: who the visitor is, and until when (ms since the epoch) that holds. */
interface CachedAnswer {
  identity: Identity
  expiresAt: number
}

export const INTROSPECTION: SessionRecipe<keyof typeof VARS, IntrospectionSettings> = {
  name: 'introspection',
  vars: VARS,
  secrets: (input) => ({
    needed: input.value('cookieSignature') === undefined ? [] : [input.key('secret')],
    optional: [],
  }),
  read: (input, problems) =>
    problems.fields({
      cookie: () => readCookieName(input),
      url: () => secureUrl(input.key('url'), requiredString(input.key('url'), input.value('url'))),
      timeoutMs: () =>
        integerInRange(input.key('timeoutMs'), input.value('timeoutMs'), { min: 100, max: 10_000, fallback: 1_500 }),
      cacheSeconds: () =>
        integerInRange(input.key('cacheSeconds'), input.value('cacheSeconds'), { min: 0, max: 3_600, fallback: 60 }),
      negativeCacheSeconds: () =>
        integerInRange(input.key('negativeCacheSeconds'), input.value('negativeCacheSeconds'), {
          min: 0,
          max: 300,
          fallback: 10,
        }),
      signature: () => readSignature(input),
    }),
  create: (settings) => introspectionSource(settings),
}

/** Opaque sessions the site's "who is this?" URL answers for: options checked now, every mistake at once. */
export function introspection(options: IntrospectionOptions): SessionSource {
  return sourceFromOptions(INTROSPECTION, options, 'introspection')
}

function introspectionSource(config: IntrospectionSettings): SessionSource {
  const { cookie: cookieName } = config
  const pending = new Map<string, Promise<Identity>>()
  const remembered = new Memory(REMEMBERED_ANSWERS, REMEMBERED_BYTES)
  const signedBySite = config.signature && signatureChecker(config.signature)

  async function introspect(cookie: string, context: IdentifyContext): Promise<Identity> {
    // `cookie` is as the browser sent it (forwarded unchanged); its signature covers the decoded value.
    if (signedBySite && !(await signedBySite(percentDecoded(cookie), context.env))) {
      throw new TokenServiceError('SESSION_INVALID', 'bad_cookie_signature')
    }
    const cacheKey = await cacheKeyFor(config.url, `${cookieName}=${cookie}`, context.cacheScope)
    const known = remembered.get(cacheKey) ?? (await readCache(cacheKey, remembered))
    if (known && known.expiresAt > Date.now()) return known.identity
    remembered.delete(cacheKey)
    let call = pending.get(cacheKey)
    if (!call) {
      call = lookUp(cacheKey, cookie, context).finally(() => pending.delete(cacheKey))
      pending.set(cacheKey, call)
    }
    return call
  }

  async function lookUp(cacheKey: string, cookie: string, context: IdentifyContext): Promise<Identity> {
    await context.beforeLookup()
    const identity = await askSite(config, cookieName, cookie)
    const seconds = identity.kind === 'visitor' ? config.cacheSeconds : config.negativeCacheSeconds
    if (seconds > 0) {
      const answer = { identity, expiresAt: Date.now() + seconds * 1000 }
      const text = JSON.stringify(answer)
      remembered.set(cacheKey, answer, text.length)
      await writeEdgeCache(cacheKey, text, seconds)
    }
    return identity
  }

  return {
    kind: 'introspection',
    settings: config,
    identify(context) {
      const copies = context.cookies.copies(cookieName, { raw: true })
      if (copies.length > MAX_LOOKED_UP_COOKIES) {
        throw new TokenServiceError('SESSION_INVALID', 'too_many_session_cookies', { log: { cookies: copies.length } })
      }
      const copiesToIdentify = eachCookie(copies, (cookie) => introspect(cookie, context))
      return oneVisitor(copiesToIdentify, context, 'no_session_cookie')
    },
  }
}

async function askSite(config: IntrospectionSettings, cookieName: string, cookie: string): Promise<Identity> {
  let text: string
  try {
    const headers = { Cookie: `${cookieName}=${cookie}`, Accept: 'application/json' }
    const response = await fetchWithin(config.url, { headers }, config.timeoutMs)
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel()
      return SIGNED_OUT
    }
    if (response.status >= 400 && response.status < 500) {
      // The site refuses the cookie itself (malformed, too long): the visitor's fault, not an outage.
      await response.body?.cancel()
      throw new TokenServiceError('SESSION_INVALID', `introspection: site_refused_cookie_http_${response.status}`)
    }
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel()
      throw unavailable(`http_${response.status}`)
    }
    text = await readBodyWithin(response, MAX_ANSWER_BYTES, config.timeoutMs)
  } catch (error) {
    if (error instanceof OutboundError) throw unavailable(error.message)
    throw error
  }
  let claims: unknown
  try {
    claims = parseExactly(text)
  } catch {
    throw unavailable('not_json')
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw unavailable('not_a_json_object')
  return { kind: 'visitor', claims: claims as Record<string, unknown> }
}

/** The edge cache's name for the site's answer to `cookie` (`name=value`, as forwarded). */
export function cacheKeyFor(url: URL, cookie: string, cacheScope: string): Promise<string> {
  return edgeCacheKey('introspection', `${url.href}\n${cookie}`, cacheScope)
}

function unavailable(reason: string): TokenServiceError {
  return sessionUnavailable(`introspection: ${reason}`)
}

/**
 * Our own entry with only the identity (the site's headers, `Set-Cookie` above all, are never
 * stored), remembered in the isolate once found.
 */
async function readCache(key: string, memory: Memory): Promise<CachedAnswer | undefined> {
  const text = await readEdgeCache(key)
  if (text === undefined) return undefined
  // Parsed exactly for the claims' sake, so the expiry may arrive as its source text.
  const entry = parseExactly(text) as { identity?: Identity; expiresAt?: unknown }
  const expiresAt = claimNumber(entry.expiresAt)
  if (!entry.identity || expiresAt === undefined) return undefined
  const answer = { identity: entry.identity, expiresAt }
  memory.set(key, answer, text.length)
  return answer
}

/** Answers in the order last used, within a count and a byte budget: the oldest go first. */
class Memory {
  readonly #entries = new Map<string, { answer: CachedAnswer; bytes: number }>()
  #bytes = 0

  constructor(
    readonly maxEntries: number,
    readonly maxBytes: number,
  ) {}

  /** The answer, now the most recently used. */
  get(key: string): CachedAnswer | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    return entry.answer
  }

  /** `answerBytes`: the answer's size as JSON text. */
  set(key: string, answer: CachedAnswer, answerBytes: number): void {
    this.delete(key)
    const bytes = answerBytes + key.length
    this.#entries.set(key, { answer, bytes })
    this.#bytes += bytes
    while (this.#entries.size > this.maxEntries || this.#bytes > this.maxBytes) {
      this.delete(this.#entries.keys().next().value as string)
    }
  }

  delete(key: string): void {
    const entry = this.#entries.get(key)
    if (!entry) return
    this.#bytes -= entry.bytes
    this.#entries.delete(key)
  }
}
