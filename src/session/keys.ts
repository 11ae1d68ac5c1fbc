/**
 * @module Where session signatures are checked against: a shared secret, a configured public
 * key, or a remote JWKS. Each source becomes a key resolver for `jwtVerify`, with keys
 * imported once per isolate.
 */
import { createRemoteJWKSet, customFetch, errors, importJWK, importSPKI, type JWK, type JWTVerifyGetKey } from 'jose'
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

/** JWK members that only a private or secret key has (RFC 7518 §6). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

function importPublicKey(key: string, alg: string): Promise<VerifyKey> {
  const text = key.trim()
  if (text.startsWith('-----BEGIN PUBLIC KEY-----')) return importSPKI(text, alg)
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) throw new PrivateKeyError()
  const jwk = JSON.parse(text) as JWK
  if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) throw new PrivateKeyError()
  return importJWK(jwk, alg)
}

/** A private key where only a public one belongs: refused, never used. */
export class PrivateKeyError extends Error {
  override name = 'PrivateKeyError'
  constructor() {
    super('is a private (or secret) key: give only the public half; anyone who can read vars could sign sessions')
  }
}

function remoteKeySet(url: URL): JWTVerifyGetKey {
  let keySet = remoteKeySets.get(url.href)
  if (!keySet) {
    keySet = createRemoteJWKSet(url, { [customFetch]: fetchKeySet })
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

/** A failed key set download, saying how it failed: the host's status, or the network error. */
class KeySetFetchError extends Error {
  override name = 'KeySetFetchError'
}

async function fetchKeySet(url: string, options: RequestInit): Promise<Response> {
  let response: Response
  try {
    response = await fetch(url, options)
  } catch (error) {
    throw new KeySetFetchError(`network_error: ${describe(error)}`)
  }
  if (!response.ok) throw new KeySetFetchError(`http_${response.status}`)
  return response
}

function describe(error: unknown): string {
  if (error instanceof KeySetFetchError) return error.message
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`
  return error instanceof Error ? `${error.name}: ${error.message.slice(0, 120)}` : 'unknown'
}
