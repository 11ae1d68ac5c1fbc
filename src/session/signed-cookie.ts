/**
 * @module express-session's signed cookies (`s:<id>.<signature>`, the `cookie-signature`
 * package): HMAC-SHA256 of the id with the site's session secret, base64 without padding.
 * Checked before anything else, so a forged or garbage cookie costs no call to the site.
 */

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
