/**
 * @module The one cookie reader: every session source and provider finds its cookies here,
 * by one set of rules.
 *
 * - Names are compared exactly as sent. A sibling subdomain can plant
 *   `%5F%5FHost-session`, which no browser treats as a `__Host-` cookie: decoding names
 *   before comparing would hand it the protection of the prefix. A provider whose SDK encodes
 *   names (Amplify: `….jane%40example.com.idToken`) builds the name it expects with the
 *   SDK's own encoding (`jsCookieName`).
 * - Every copy of a name is returned, in the order sent: a planted copy ("cookie tossing",
 *   `Domain=example.com; Path=/token`, sent first) is told apart by `source.ts`'s copies rule,
 *   never by its position.
 * - A copy over a browser's 4,096 bytes, or with characters RFC 6265 does not allow in a cookie
 *   value, did not come from the site: it is a refused copy, checked before anything (a site's
 *   "who is this?" URL above all) sees it.
 * - Chunked cookies (`name.0`, `name.1`, …, as Auth.js and Supabase split long sessions) are
 *   strict: the chunks from `.0` without a gap, each once, never beside a whole cookie of the
 *   name, at most `MAX_COOKIE_CHUNKS`, and the joined value at most `MAX_SESSION_CHARS`.
 */
import type { SettingsInput } from '../config/input.ts'
import { optionalString } from '../config/values.ts'
import { MAX_COOKIE_BYTES, MAX_COOKIE_CHUNKS, MAX_SESSION_CHARS } from '../constants.ts'
import { ConfigError, TokenServiceError } from '../errors.ts'

/** One copy of a session cookie: its value, or why it cannot be a session at all. */
export type CookieCopy = { value: string } | { refused: TokenServiceError }

/** RFC 6265 §4.1.1 cookie-octet: no controls, white space, `"`, `,`, `;` or `\`. */
const COOKIE_OCTETS = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/

const encoder = new TextEncoder()

/** The request's cookies, parsed once: names and values exactly as the browser sent them. */
export class CookieJar {
  readonly #pairs: { name: string; value: string }[] = []

  constructor(header: string | null | undefined) {
    if (!header) return
    for (const pair of header.split(';')) {
      const equals = pair.indexOf('=')
      if (equals === -1) continue
      this.#pairs.push({ name: pair.slice(0, equals).trim(), value: pair.slice(equals + 1).trim() })
    }
  }

  static of(request: Request): CookieJar {
    return new CookieJar(request.headers.get('Cookie'))
  }

  /** Whether any cookie of exactly this name was sent (empty ones included). */
  has(name: string): boolean {
    return this.#pairs.some((pair) => pair.name === name)
  }

  /**
   * Every non-empty copy of cookie `name`, in the order sent, checked for size and characters;
   * values percent-decoded, unless `raw` (a cookie forwarded to the site goes as it came).
   */
  copies(name: string, { raw = false } = {}): CookieCopy[] {
    const copies: CookieCopy[] = []
    for (const pair of this.#pairs) {
      if (pair.name !== name) continue
      const value = unquoted(pair.value)
      if (value === '') continue
      const refused = problemOf(pair.name, value)
      copies.push(refused ? { refused } : { value: raw ? value : percentDecoded(value) })
    }
    return copies
  }

  /** The names of the cookies sent, in order, each as often as it was sent. */
  names(): string[] {
    return this.#pairs.map((pair) => pair.name)
  }
}

/**
 * The session under `name` for SDKs that split long values into `name.0`, `name.1`, …: each
 * whole copy, or the chunks joined, as one copy. Chunks beside a whole cookie, a chunk sent
 * twice, or a gap are refused for the request: which parts are the visitor's cannot be told.
 * A function, not a method: a source that reads no chunks bundles none of this.
 */
export function chunkedCopies(cookies: CookieJar, name: string): CookieCopy[] {
  const whole = cookies.copies(name)
  const chunks = chunkNumbers(cookies, name)
  if (chunks.length === 0) return whole
  if (whole.length > 0) throw new TokenServiceError('SESSION_AMBIGUOUS', 'whole_and_chunked_cookie')
  const highest = Math.max(...chunks)
  if (highest >= MAX_COOKIE_CHUNKS) throw new TokenServiceError('SESSION_INVALID', 'too_many_cookie_chunks')
  const parts: string[] = []
  for (let index = 0; index <= highest; index++) {
    const copies = cookies.copies(`${name}.${index}`)
    if (copies.length > 1) throw new TokenServiceError('SESSION_AMBIGUOUS', 'cookie_chunk_sent_twice')
    const part = copies[0]
    if (part === undefined) throw new TokenServiceError('SESSION_INVALID', 'cookie_chunk_missing')
    if ('refused' in part) return [part]
    parts.push(part.value)
  }
  const value = parts.join('')
  if (value.length > MAX_SESSION_CHARS) {
    return [{ refused: new TokenServiceError('SESSION_INVALID', 'session_too_large') }]
  }
  return [{ value }]
}

/** The suffixes `n` of every `name.n` sent, `n` a chunk number as SDKs write it (0, 1, … 10). */
function chunkNumbers(cookies: CookieJar, name: string): number[] {
  const numbers: number[] = []
  for (const sent of cookies.names()) {
    if (!sent.startsWith(`${name}.`)) continue
    const suffix = sent.slice(name.length + 1)
    if (/^(0|[1-9]\d{0,3})$/.test(suffix)) numbers.push(Number(suffix))
  }
  return numbers
}

/** Why a cookie as sent cannot be a session, or nothing. */
function problemOf(name: string, value: string): TokenServiceError | undefined {
  if (encoder.encode(name).byteLength + encoder.encode(value).byteLength > MAX_COOKIE_BYTES) {
    return new TokenServiceError('SESSION_INVALID', 'cookie_too_large')
  }
  if (!COOKIE_OCTETS.test(value)) return new TokenServiceError('SESSION_INVALID', 'cookie_not_rfc6265')
  return undefined
}

/** RFC 6265 allows a value in double quotes; the quotes are not part of it. */
function unquoted(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value
}

export function percentDecoded(value: string): string {
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    // Left as sent: it cannot be a session, and verification says so.
    return value
  }
}

/**
 * A cookie name as js-cookie writes it (Amplify's `CookieStorage` and its SSR adapters): percent-
 * encoded, except `#$&+^`|`, and `(`/`)` escaped. A provider's expected name is built with this,
 * then compared with the names as sent.
 */
export function jsCookieName(name: string): string {
  return encodeURIComponent(name)
    .replace(/%(2[346B]|5E|60|7C)/g, decodeURIComponent)
    .replace(/[()]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** The session cookie's name setting (`cookie`, the var `SESSION_COOKIE`), whatever the source. */
export function readCookieName(input: SettingsInput<'cookie'>, fallback = 'session'): string {
  const name = optionalString(input.key('cookie'), input.value('cookie')) ?? fallback
  // A name no browser sends (a space, `;`, `=`…) would only ever answer SESSION_MISSING.
  if (!COOKIE_NAME.test(name)) {
    throw new ConfigError(
      input.key('cookie'),
      `"${name.slice(0, 64)}" is not a cookie name (RFC 6265 token: letters, digits and !#$%&'*+-.^_\`|~)`,
    )
  }
  return name
}

/** RFC 6265 §4.1.1 cookie-name: an RFC 2616 token. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
