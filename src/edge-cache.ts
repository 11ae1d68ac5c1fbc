/**
 * @module The Cache API (`caches.default`) as a small store shared by a location's isolates:
 * entries live under synthetic URLs named by a SHA-256 (never the secret or cookie they
 * stand for), hold JSON text this Worker wrote itself, and expire after `max-age`. The cache
 * is an optimisation: when it fails, a read finds nothing and a write is dropped, and the
 * caller asks the host as it would on a miss.
 *
 * Every Worker on the zone shares `caches.default`, and an entry's name would otherwise be
 * computable by anyone (a SHA-256 of a public JWKS URL, or of an attacker's own cookie): a
 * Worker of someone else's on the zone could plant keys or a "who is this?" answer. So names
 * are also salted with `scope`, a value derived from this deployment's secrets (`cacheScope` in
 * the configuration), which nobody without them can compute.
 */

/** `https://<namespace>.connect-widget-token.invalid/<sha256 of scope and text>`: never fetched, it only names. */
export async function edgeCacheKey(namespace: string, text: string, scope: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${scope}\n${text}`))
  const hex = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
  return `https://${namespace}.connect-widget-token.invalid/${hex}`
}

/**
 * Workers' `caches.default`. Typed as such here: the Node-side type check (the scripts import
 * the validator, which reaches this module) sees the DOM's `CacheStorage`, which has no `default`.
 */
const edgeCache = () => (caches as CacheStorage & { default: Cache }).default

export async function readEdgeCache(key: string): Promise<string | undefined> {
  try {
    const hit = await edgeCache().match(key)
    return hit ? await hit.text() : undefined
  } catch {
    return undefined
  }
}

export async function writeEdgeCache(key: string, json: string, seconds: number): Promise<void> {
  const entry = new Response(json, {
    headers: { 'Content-Type': 'application/json', 'Cache-Control': `max-age=${seconds}` },
  })
  await edgeCache()
    .put(key, entry)
    .catch(() => {
      // A failed put costs a later isolate one call to the host, nothing more.
    })
}
