/**
 * @module Sessions verified against a login service's JWKS, kept by a remote key set that
 * survives its host (`key-sets.ts`): one per URL, stale period and cache scope per isolate.
 */

import { checkedArgument, integerInRange, secureUrl } from '../config/values.ts'
import { DEFAULT_JWKS_MAX_STALE_SECONDS, MAX_JWKS_MAX_STALE_SECONDS } from '../constants.ts'
import { RemoteKeySet } from './key-sets.ts'
import type { KeySpec } from './keys.ts'

/** One remote key set per URL, stale period and scope per isolate, shared by every request. */
const remoteKeySets = new Map<string, RemoteKeySet>()

/** The spec of a JWKS at `url` (settings named `keys.url` and `keys.stale` in problems); checked now. */
export function jwksSpec(url: string, maxStaleSeconds: unknown, names: { url: string; stale: string }): KeySpec {
  const href = secureUrl(names.url, url)
  const stale = integerInRange(names.stale, maxStaleSeconds, {
    min: 0,
    max: MAX_JWKS_MAX_STALE_SECONDS,
    fallback: DEFAULT_JWKS_MAX_STALE_SECONDS,
  })
  const spec: KeySpec = {
    kind: 'jwks',
    // A copy to read: the one the keys are fetched from is the spec's own.
    url: new URL(href),
    async resolve(_algorithms, cacheScope) {
      const id = `${href.href} ${stale} ${cacheScope}`
      let keySet = remoteKeySets.get(id)
      if (!keySet) {
        keySet = new RemoteKeySet(href, { maxStaleMs: stale * 1000, cacheScope })
        remoteKeySets.set(id, keySet)
      }
      return { getKey: keySet.getKey, refreshKeys: keySet.refreshKeys }
    },
  }
  // Frozen: what the source was created with is where it fetches keys.
  return Object.freeze(spec)
}

export interface JwksOptions {
  /** How long the last good keys keep verifying while the host fails (default a day, at most a week). */
  maxStaleSeconds?: number
}

/** A login service's JWKS for `jwtCookie({ keys: jwks(url) })`: https (http only on loopback), checked now. */
export function jwks(url: string, options: JwksOptions = {}): KeySpec {
  return checkedArgument('jwks()', () =>
    jwksSpec(url, options.maxStaleSeconds, { url: 'url', stale: 'maxStaleSeconds' }),
  )
}
