/**
 * @module express-session's signed cookies (`s:<id>.<signature>`, the `cookie-signature`
 * package): HMAC-SHA256 of the id with the site's session secret, base64 without padding.
 * Checked before anything else, so a forged or garbage cookie costs no call to the site.
 */
import { requireSecret, type SecretRef, type SettingsInput, secretRef } from '../config/input.ts'
import { optionalString } from '../config/values.ts'
import { ConfigError } from '../errors.ts'

/** The options of a signed session cookie, and their vars. */
export const SIGNATURE_VARS = { cookieSignature: 'SESSION_COOKIE_SIGNATURE', secret: 'SESSION_SECRET' } as const

/** `cookieSignature: "express-session"`: the secret that signs the cookies; `undefined` when unsigned. */
export function readSignature(input: SettingsInput<keyof typeof SIGNATURE_VARS>): SecretRef | undefined {
  const key = input.key('cookieSignature')
  const scheme = optionalString(key, input.value('cookieSignature'))
  if (scheme === undefined) return undefined
  if (scheme !== 'express-session') throw new ConfigError(key, 'the only supported value is "express-session"')
  return secretRef(input, 'secret') ?? input.key('secret')
}

/** Checks `s:<id>.<signature>` with the secret the request's env holds; keys kept per secret. */
export function signatureChecker(ref: SecretRef): (cookie: string, env: Record<string, unknown>) => Promise<boolean> {
  const keys = new Map<string, Promise<CryptoKey>>()
  return async (cookie, env) => {
    const secret = requireSecret(ref, env)
    let key = keys.get(secret)
    if (!key) {
      if (keys.size >= 4) keys.delete(keys.keys().next().value as string)
      key = importCookieSigningKey(secret)
      keys.set(secret, key)
    }
    return isSignedCookieValid(cookie, await key)
  }
}

export function importCookieSigningKey(secret: string): Promise<CryptoKey> {
  const bytes = new TextEncoder().encode(secret)
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
}

export async function isSignedCookieValid(cookie: string, key: CryptoKey): Promise<boolean> {
  if (!cookie.startsWith('s:')) return false
  const dot = cookie.lastIndexOf('.')
  if (dot <= 2) return false
  const signature = base64Bytes(cookie.slice(dot + 1))
  if (!signature) return false
  // crypto.subtle.verify compares in constant time.
  return crypto.subtle.verify('HMAC', key, signature, new TextEncoder().encode(cookie.slice(2, dot)))
}

function base64Bytes(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]{43}$/.test(text)) return undefined
  return Uint8Array.from(atob(`${text}=`), (char) => char.charCodeAt(0))
}
