/**
 * @module Where session signatures are checked against: a shared secret, a configured public
 * key, or a remote JWKS. Each source becomes a key resolver for `jwtVerify`, with keys
 * imported once per isolate.
 */
import { createRemoteJWKSet, errors, importJWK, importSPKI, type JWK, type JWTVerifyGetKey } from 'jose'
import { TokenServiceError } from '../errors'

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

export type SessionKeySource =
  | { kind: 'secret'; secret: string }
  | { kind: 'publicKey'; key: string }
  | { kind: 'jwks'; url: URL }

type VerifyKey = CryptoKey | Uint8Array

/**
 * One remote key set per URL per isolate: jose caches the fetched keys inside it, refetches
 * on an unknown `kid` (with a cooldown) and after the cache age.
 */
const remoteKeySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>()

/** Builds the resolver; imports configured keys now, so a bad key fails at configuration. */
export async function sessionKeyResolver(
  source: SessionKeySource,
  algorithms: readonly string[],
): Promise<JWTVerifyGetKey> {
  switch (source.kind) {
    case 'secret':
      return keyPerAlgorithm(algorithms, (alg) => importHmacKey(source.secret, alg))
    case 'publicKey':
      return keyPerAlgorithm(algorithms, (alg) => importPublicKey(source.key, alg))
    case 'jwks':
      return remoteKeySet(source.url)
  }
}

async function keyPerAlgorithm(
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

function importPublicKey(key: string, alg: string): Promise<VerifyKey> {
  const text = key.trim()
  if (text.startsWith('-----BEGIN PUBLIC KEY-----')) return importSPKI(text, alg)
  return importJWK(JSON.parse(text) as JWK, alg)
}

function remoteKeySet(url: URL): JWTVerifyGetKey {
  let keySet = remoteKeySets.get(url.href)
  if (!keySet) {
    keySet = createRemoteJWKSet(url)
    remoteKeySets.set(url.href, keySet)
  }
  const fetchKey = keySet
  return async function resolveRemoteKey(header, token) {
    try {
      return await fetchKey(header, token)
    } catch (error) {
      // A key the set does not hold is the token's fault; anything else is the JWKS host's.
      if (error instanceof errors.JWKSNoMatchingKey) throw error
      if (error instanceof errors.JWKSMultipleMatchingKeys) throw error
      throw new TokenServiceError('SESSION_KEYS_UNAVAILABLE', `jwks: ${describe(error)}`)
    }
  }
}

function describe(error: unknown): string {
  return error instanceof errors.JOSEError ? error.code : error instanceof Error ? error.name : 'unknown'
}
