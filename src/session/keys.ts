/**
 * @module What session signatures are checked against. A shared secret is this module's own
 * (HMAC keys, imported per algorithm); a public key and a remote JWKS are key specs made by
 * `public-key.ts` and `jwks.ts`, modules of their own, so that an app verifying HS256 sessions
 * bundles neither X.509 and JWK parsing nor a key set's fetching.
 */
import type { JWTVerifyGetKey } from 'jose'

/** Session algorithms verified with the shared secret. */
export const SYMMETRIC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const

/** Session algorithms verified with a public key or a JWKS. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const

export interface SessionKeys {
  getKey: JWTVerifyGetKey
  /** For a remote key set: one refetch per cooldown when a kid-less session fails every key. */
  refreshKeys?: () => Promise<boolean>
}

/** Keys other than a shared secret: `publicKey()`, `jwks()`. */
export interface KeySpec {
  readonly kind: 'publicKey' | 'jwks'
  /** The key set's URL, for the demo page and logs. */
  readonly url?: URL
  /** The keys for these algorithms, imported (or a key set kept) once per isolate. */
  resolve(algorithms: readonly string[], cacheScope: string): Promise<SessionKeys>
}

export function isKeySpec(value: unknown): value is KeySpec {
  return typeof value === 'object' && value !== null && typeof (value as KeySpec).resolve === 'function'
}

type VerifyKey = CryptoKey | Uint8Array

/** A shared secret's keys, one per pinned algorithm. */
export async function hmacKeys(secret: string, algorithms: readonly string[]): Promise<SessionKeys> {
  return { getKey: await keyPerAlgorithm(algorithms, (alg) => importHmacKey(secret, alg)) }
}

export async function keyPerAlgorithm(
  algorithms: readonly string[],
  importFor: (alg: string) => Promise<VerifyKey>,
): Promise<JWTVerifyGetKey> {
  const keys = new Map<string, VerifyKey>()
  for (const alg of algorithms) keys.set(alg, await importFor(alg))
  // jose rejects an `alg` outside the configured list before it asks for a key.
  return (header) => keys.get(header.alg) as VerifyKey
}

function importHmacKey(secret: string, alg: string): Promise<CryptoKey> {
  const hash = `SHA-${alg.slice(2)}`
  const bytes = new TextEncoder().encode(secret)
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash }, false, ['verify'])
}
