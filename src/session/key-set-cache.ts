/**
 * @module Key sets shared by the isolates of a Cloudflare location through the Cache API
 * (`caches.default`), so that a new isolate does not ask the login service for keys its
 * location already holds. Entries are named within the deployment's cache scope, so another
 * Worker on the zone cannot plant keys. The entry remembers when the keys were fetched and how long they
 * stay fresh, so every isolate refreshes on the same schedule.
 */
import type { JSONWebKeySet } from 'jose'
import { edgeCacheKey, readEdgeCache, writeEdgeCache } from '../edge-cache.ts'

export interface SharedKeySet {
  jwks: JSONWebKeySet
  /** When the keys were fetched from their host (ms since the epoch). */
  fetchedAt: number
  refreshAfterMs: number
}

export async function readSharedKeySet(url: URL, scope: string): Promise<SharedKeySet | undefined> {
  const text = await readEdgeCache(await edgeCacheKey('key-sets', url.href, scope))
  if (text === undefined) return undefined
  try {
    return JSON.parse(text) as SharedKeySet
  } catch {
    // Not an entry this Worker wrote: the host is asked, as on a miss.
    return undefined
  }
}

export async function shareKeySet(url: URL, scope: string, entry: SharedKeySet): Promise<void> {
  const seconds = Math.max(1, Math.ceil(entry.refreshAfterMs / 1000))
  await writeEdgeCache(await edgeCacheKey('key-sets', url.href, scope), JSON.stringify(entry), seconds)
}
