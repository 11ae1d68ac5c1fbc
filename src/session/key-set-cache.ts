/**
 * @module Key sets shared by the isolates of a Cloudflare location through the Cache API
 * (`caches.default`), so that a new isolate does not ask the login service for keys its
 * location already holds. The entry remembers when the keys were fetched and how long they
 * stay fresh, so every isolate refreshes on the same schedule.
 */
import type { JSONWebKeySet } from 'jose'

export interface SharedKeySet {
  jwks: JSONWebKeySet
  /** When the keys were fetched from their host (ms since the epoch). */
  fetchedAt: number
  refreshAfterMs: number
}

/** A synthetic host for cache keys: never fetched, it only names entries. */
const CACHE_KEY_BASE = 'https://key-sets.connect-widget-token.invalid/'

export async function readSharedKeySet(url: URL): Promise<SharedKeySet | undefined> {
  try {
    const hit = await caches.default.match(await cacheKey(url))
    return hit ? ((await hit.json()) as SharedKeySet) : undefined
  } catch {
    // The cache is an optimisation: without it, the host is asked.
    return undefined
  }
}

export async function shareKeySet(url: URL, entry: SharedKeySet): Promise<void> {
  const seconds = Math.max(1, Math.ceil(entry.refreshAfterMs / 1000))
  const response = new Response(JSON.stringify(entry), {
    headers: { 'Content-Type': 'application/json', 'Cache-Control': `max-age=${seconds}` },
  })
  try {
    await caches.default.put(await cacheKey(url), response)
  } catch {
    // As above: a failed put costs a later isolate one fetch, nothing more.
  }
}

async function cacheKey(url: URL): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(url.href))
  return CACHE_KEY_BASE + [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}
