/**
 * @module Sessions the site writes to a Workers KV namespace: the cookie holds the session id
 * (optionally express-session signed), the record (JSON) is read under a configured prefix and
 * mapped like claims. No record: nobody signed in.
 *
 * The cookie names a key, so what it may name is narrow: an id of the usual session id
 * characters and length (no `:` or `/` that would reach another kind of key), read under the
 * prefix the site writes sessions with, or signed by the site (the configuration requires one
 * of the two: without, `session=user:42` would read the profile stored under `user:42`).
 *
 * KV is eventually consistent: a record written at sign-in can take up to about 60 s to reach
 * other locations (README, "Which session source fits").
 */
import { sessionUnavailable, TokenServiceError } from '../errors'
import { parseExactly } from './exact-json'
import { isSignedCookieValid } from './signed-cookie'
import { eachCookie, type Identity, oneVisitor, type SessionSource } from './source'

export interface KvSessionConfig {
  kind: 'kv'
  /** The name of the KV namespace binding. */
  binding: string
  prefix: string
  signedCookieKey?: CryptoKey
}

/**
 * A session id as session stores write them: uid-safe/base64url (express-session), hex (Rails,
 * Django's 32 characters), Laravel's 40, UUIDs; 16 to 256 characters, none that separates keys.
 */
export const SESSION_ID = /^[A-Za-z0-9_-]{16,256}$/

export function kvSessionSource(cookieName: string, config: KvSessionConfig): SessionSource {
  async function readSessionRecord(cookie: string, env: Record<string, unknown>): Promise<Identity> {
    let id = cookie
    if (config.signedCookieKey) {
      if (!(await isSignedCookieValid(cookie, config.signedCookieKey))) {
        throw new TokenServiceError('SESSION_INVALID', 'bad_cookie_signature')
      }
      id = cookie.slice(2, cookie.lastIndexOf('.'))
    }
    if (!SESSION_ID.test(id)) throw new TokenServiceError('SESSION_INVALID', 'not_a_session_id')
    let record: string | null
    try {
      record = await (env[config.binding] as KVNamespace).get(config.prefix + id, 'text')
    } catch (error) {
      throw sessionUnavailable(`kv: ${(error as Error).name}`)
    }
    if (record === null) return { kind: 'anonymous', why: 'no_session_record' }
    let claims: unknown
    try {
      claims = parseExactly(record)
    } catch {
      throw sessionUnavailable('kv: record_not_json')
    }
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
      throw sessionUnavailable('kv: record_not_a_json_object')
    }
    return { kind: 'visitor', claims: claims as Record<string, unknown> }
  }
  return {
    identify: (context) =>
      oneVisitor(
        eachCookie(context.cookies.copies(cookieName), (cookie) => readSessionRecord(cookie, context.env)),
        context,
        'no_session_cookie',
      ),
  }
}
