/**
 * @module Opaque session cookies (express-session, Django, Rails, Laravel, Auth.js database
 * sessions): the site's own "who is this?" URL answers, and its JSON is mapped like claims.
 *
 * Only the configured cookie is forwarded, only to the configured URL. 2xx JSON object: a
 * visitor; 401/403: nobody signed in; anything else (another status, a redirect, a timeout,
 * not JSON, too large): `503 SESSION_UNAVAILABLE`, never a token. Answers are cached at the
 * edge (`caches.default`) under a SHA-256 of the URL and cookie, never the cookie itself, and
 * concurrent misses for one cookie in an isolate make one call. The isolate also remembers
 * the answers it has seen until the same expiry, so a visitor's next token skips the cache's
 * round trip.
 */
import { edgeCacheKey, readEdgeCache, writeEdgeCache } from '../edge-cache'
import { sessionUnavailable, TokenServiceError } from '../errors'
import { fetchWithin, type OutboundError } from '../outbound'
import { percentDecoded } from './cookies'
import { claimNumber, parseExactly } from './exact-json'
import { isSignedCookieValid } from './signed-cookie'
import type { Identity } from './source'

export interface IntrospectionConfig {
  kind: 'introspection'
  url: URL
  timeoutMs: number
  /** How long a "signed in" answer is reused at the edge; 0: never. */
  cacheSeconds: number
  /** How long a "not signed in" answer is reused. */
  negativeCacheSeconds: number
  /** When set, express-session's `s:<id>.<signature>` is checked before calling out. */
  signedCookieKey?: CryptoKey
}

/** The largest answer read from the site: a "who is this?" answer is a few hundred bytes. */
const MAX_ANSWER_BYTES = 65_536

const SIGNED_OUT: Identity = { kind: 'anonymous', why: 'site_says_signed_out' }

/** Answers an isolate remembers at most; beyond, the oldest is forgotten. */
const REMEMBERED_ANSWERS = 1_000

/** An answer as cached: who the visitor is, and until when (ms since the epoch) that holds. */
interface CachedAnswer {
  identity: Identity
  expiresAt: number
}

export function introspectionSource(cookieName: string, config: IntrospectionConfig) {
  const pending = new Map<string, Promise<Identity>>()
  const remembered = new Map<string, CachedAnswer>()
  const remember = (key: string, answer: CachedAnswer) => {
    remembered.delete(key)
    remembered.set(key, answer)
    if (remembered.size > REMEMBERED_ANSWERS) remembered.delete(remembered.keys().next().value as string)
  }
  return async function introspect(cookie: string): Promise<Identity> {
    // `cookie` is as the browser sent it (forwarded unchanged); its signature covers the decoded value.
    if (config.signedCookieKey && !(await isSignedCookieValid(percentDecoded(cookie), config.signedCookieKey))) {
      throw new TokenServiceError('SESSION_INVALID', 'bad_cookie_signature')
    }
    const cacheKey = await cacheKeyFor(config.url, `${cookieName}=${cookie}`)
    const known = remembered.get(cacheKey) ?? (await readCache(cacheKey))
    if (known && known.expiresAt > Date.now()) {
      remember(cacheKey, known)
      return known.identity
    }
    remembered.delete(cacheKey)
    let call = pending.get(cacheKey)
    if (!call) {
      call = askSite(config, cookieName, cookie).finally(() => pending.delete(cacheKey))
      pending.set(cacheKey, call)
      const identity = await call
      const seconds = identity.kind === 'visitor' ? config.cacheSeconds : config.negativeCacheSeconds
      if (seconds > 0) {
        const answer = { identity, expiresAt: Date.now() + seconds * 1000 }
        remember(cacheKey, answer)
        await writeEdgeCache(cacheKey, JSON.stringify(answer), seconds)
      }
      return identity
    }
    return call
  }
}

async function askSite(config: IntrospectionConfig, cookieName: string, cookie: string): Promise<Identity> {
  let response: Response
  try {
    const headers = { Cookie: `${cookieName}=${cookie}`, Accept: 'application/json' }
    response = await fetchWithin(config.url, { headers }, config.timeoutMs)
  } catch (error) {
    throw unavailable((error as OutboundError).message)
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel()
    return SIGNED_OUT
  }
  if (response.status < 200 || response.status > 299) {
    await response.body?.cancel()
    throw unavailable(`http_${response.status}`)
  }
  const text = await readLimited(response)
  let claims: unknown
  try {
    claims = parseExactly(text)
  } catch {
    throw unavailable('not_json')
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw unavailable('not_a_json_object')
  return { kind: 'visitor', claims: claims as Record<string, unknown> }
}

async function readLimited(response: Response): Promise<string> {
  const declared = Number(response.headers.get('Content-Length') ?? 0)
  if (declared > MAX_ANSWER_BYTES) {
    await response.body?.cancel()
    throw unavailable('answer_too_large')
  }
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel()
      throw unavailable('answer_too_large')
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(bytes)
}

function unavailable(reason: string): TokenServiceError {
  return sessionUnavailable(`introspection: ${reason}`)
}

export function cacheKeyFor(url: URL, cookie: string): Promise<string> {
  return edgeCacheKey('introspection', `${url.href}\n${cookie}`)
}

/** Our own entry with only the identity: the site's headers (`Set-Cookie` above all) are never stored. */
async function readCache(key: string): Promise<CachedAnswer | undefined> {
  const text = await readEdgeCache(key)
  if (text === undefined) return undefined
  // Parsed exactly for the claims' sake, so the expiry may arrive as its source text.
  const answer = parseExactly(text) as { identity?: Identity; expiresAt?: unknown }
  const expiresAt = claimNumber(answer.expiresAt)
  return answer.identity && expiresAt !== undefined ? { identity: answer.identity, expiresAt } : undefined
}
