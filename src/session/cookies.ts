/**
 * @module Reading the session cookie from the `Cookie` header, every copy of it.
 *
 * A browser sends two cookies of one name when a sibling subdomain planted a second one
 * (`Domain=example.com; Path=/token`: "cookie tossing"), the more specific path first. Taking
 * the first would let that subdomain decide who the visitor is, so every copy is returned.
 */
import { TokenServiceError } from '../errors'

/**
 * Every non-empty value of cookie `name`, in the order sent; percent-decoded where it can be,
 * unless `raw` (a cookie forwarded to the site goes exactly as the browser sent it).
 */
export function cookieValues(header: string | undefined, name: string, { raw = false } = {}): string[] {
  if (!header) return []
  const values: string[] = []
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=')
    if (equals === -1 || pair.slice(0, equals).trim() !== name) continue
    let value = pair.slice(equals + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    if (value !== '') values.push(raw ? value : percentDecoded(value))
  }
  return values
}

export function percentDecoded(value: string): string {
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    // Left as sent: it cannot be a JWT, and verification says so.
    return value
  }
}

/**
 * Every cookie of the header by its decoded name: identity providers' SDKs percent-encode
 * names (`CognitoIdentityServiceProvider.<client>.jane%40example.com.idToken`).
 */
export function cookiesNamed(header: string | undefined, name: string): string[] {
  if (!header) return []
  const values: string[] = []
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=')
    if (equals === -1 || percentDecoded(pair.slice(0, equals).trim()) !== name) continue
    const value = pair.slice(equals + 1).trim()
    if (value !== '') values.push(percentDecoded(value))
  }
  return values
}

/**
 * The one copy of a provider's cookie, by decoded name, or none. Two copies mean one was
 * planted ("cookie tossing"), and which is the visitor's cannot be told: refused.
 */
export function onlyCookie(header: string | undefined, name: string): string | undefined {
  const values = cookiesNamed(header, name)
  if (values.length > 1) throw new TokenServiceError('SESSION_AMBIGUOUS', 'duplicate_provider_cookie')
  return values[0]
}

/**
 * A cookie that SDKs split when it outgrows a browser's 4 KiB (`name.0`, `name.1`, …: Auth.js,
 * Supabase): the whole value, joined in suffix order, or the unsplit cookie.
 */
export function chunkedCookie(header: string | undefined, name: string): string | undefined {
  const whole = onlyCookie(header, name)
  if (whole !== undefined) return whole
  const parts: string[] = []
  for (let index = 0; index < MAX_CHUNKS; index++) {
    const part = onlyCookie(header, `${name}.${index}`)
    if (part === undefined) break
    parts.push(part)
  }
  return parts.length > 0 ? parts.join('') : undefined
}

/** Browsers keep about 180 cookies per domain; a session never needs more than a few parts. */
const MAX_CHUNKS = 16
