/**
 * @module Sessions verified with one configured public key: a PEM (`-----BEGIN PUBLIC KEY-----`)
 * or a JWK as JSON text. A private key given where a public one belongs is refused, never used.
 */
import { importJWK, importSPKI, type JWK } from 'jose'
import { checkedArgument, optionalString } from '../config/values.ts'
import { ConfigError } from '../errors.ts'
import { type KeySpec, keyPerAlgorithm } from './keys.ts'

/** JWK members that only a private or secret key has (RFC 7518 §6). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

/** A private key where only a public one belongs: refused, never used. */
export class PrivateKeyError extends Error {
  override name = 'PrivateKeyError'
  constructor() {
    super('is a private (or secret) key: give only the public half; anyone who can read vars could sign sessions')
  }
}

/** The spec of a public key held by setting `key` (its name in problems); checked now, imported when used. */
export function publicKeySpec(key: string, value: unknown): KeySpec {
  const text = optionalString(key, value, { allowSurroundingSpace: true })?.trim()
  if (text === undefined) throw new ConfigError(key, 'is required')
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) throw new ConfigError(key, new PrivateKeyError().message)
  if (!text.startsWith('-----BEGIN PUBLIC KEY-----')) {
    let jwk: unknown
    try {
      jwk = JSON.parse(text)
    } catch {
      throw new ConfigError(key, 'must be a PEM (-----BEGIN PUBLIC KEY-----) or a JWK as JSON text')
    }
    if (typeof jwk === 'object' && jwk !== null && PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) {
      throw new ConfigError(key, new PrivateKeyError().message)
    }
  }
  const imported = new Map<string, ReturnType<typeof keyPerAlgorithm>>()
  const spec: KeySpec = {
    kind: 'publicKey',
    async resolve(algorithms) {
      const id = algorithms.join(',')
      let getKey = imported.get(id)
      if (!getKey) {
        getKey = keyPerAlgorithm(algorithms, (alg) =>
          text.startsWith('-----BEGIN') ? importSPKI(text, alg) : importJWK(JSON.parse(text) as JWK, alg),
        )
        imported.set(id, getKey)
      }
      return { getKey: await getKey }
    },
  }
  return Object.freeze(spec)
}

/** A public key for `jwtCookie({ keys: publicKey(pem) })`, checked now. */
export function publicKey(pem: string): KeySpec {
  return checkedArgument('publicKey()', () => publicKeySpec('key', pem))
}
