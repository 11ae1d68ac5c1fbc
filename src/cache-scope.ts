/**
 * @module The scope that salts the names of a deployment's entries in the location's shared
 * cache (`edge-cache.ts`): a SHA-256 of its widget secrets, so that deployments with other
 * secrets, and strangers on the zone, name other entries. Never logged.
 */

export async function cacheScopeOf(secrets: readonly string[]): Promise<string> {
  const text = ['connect-widget-token edge cache v1', ...[...secrets].sort()].join('\n')
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}
