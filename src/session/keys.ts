/**
 * @module Where session signatures are checked against: a shared secret, a configured public
 * key, or a remote JWKS. Each source becomes a key resolver for `jwtVerify`, with keys
 * imported once per isolate.
 */
import { importJWK, importSPKI, type JWK, type JWTVerifyGetKey } from 'jose'
import { RemoteKeySet } from './key-sets.ts'

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
  | { kind: 'jwks'; url: URL; maxStaleSeconds: number; cacheScope: string }

type VerifyKey = CryptoKey | Uint8Array

/** One remote key set per URL per isolate, shared by every request (see `key-sets.ts`). */
const remoteKeySets = new Map<string, RemoteKeySet>()

export interface SessionKeys {
  getKey: JWTVerifyGetKey
  /** For a remote key set: one refetch per cooldown when a kid-less session fails every key. */
  refreshKeys?: () => Promise<boolean>
}

/** Builds the resolver; imports configured keys now, so a bad key fails at configuration. */
export async function sessionKeyResolver(
  source: SessionKeySource,
  algorithms: readonly string[],
): Promise<SessionKeys> {
  switch (source.kind) {
    case 'secret':
      return { getKey: await keyPerAlgorithm(algorithms, (alg) => importHmacKey(source.secret, alg)) }
    case 'publicKey':
      return { getKey: await keyPerAlgorithm(algorithms, (alg) => importPublicKey(source.key, alg)) }
    case 'jwks':
      return remoteKeySet(source)
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

function remoteKeySet({ url, maxStaleSeconds, cacheScope }: SessionKeySource & { kind: 'jwks' }): SessionKeys {
  const id = `${url.href} ${maxStaleSeconds} ${cacheScope}`
  let keySet = remoteKeySets.get(id)
  if (!keySet) {
    keySet = new RemoteKeySet(url, { maxStaleMs: maxStaleSeconds * 1000, cacheScope })
    remoteKeySets.set(id, keySet)
  }
  return { getKey: keySet.getKey, refreshKeys: keySet.refreshKeys }
}
