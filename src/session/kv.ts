/**
 * @module Sessions the site writes to a Workers KV namespace: the cookie holds the session id
 * (optionally express-session signed), the record (JSON) is read under a configured prefix and
 * mapped like claims. No record: nobody signed in.
 *
 * KV is eventually consistent: a record written at sign-in can take up to about 60 s to reach
 * other locations (README, "Which session source fits").
 */
import { sessionUnavailable, TokenServiceError } from '../errors'
import { parseExactly } from './exact-json'
import { isSignedCookieValid } from './signed-cookie'
import type { Identity } from './source'

export interface KvSessionConfig {
  kind: 'kv'
  /** The name of the KV namespace binding. */
  binding: string
  prefix: string
  signedCookieKey?: CryptoKey
}

/** KV keys are at most 512 bytes. */
const MAX_KV_KEY_BYTES = 512

export function kvSessionSource(config: KvSessionConfig) {
  return async function readSessionRecord(cookie: string, env: Record<string, unknown>): Promise<Identity> {
    let id = cookie
    if (config.signedCookieKey) {
      if (!(await isSignedCookieValid(cookie, config.signedCookieKey))) {
        throw new TokenServiceError('SESSION_INVALID', 'bad_cookie_signature')
      }
      id = cookie.slice(2, cookie.lastIndexOf('.'))
    }
    const key = config.prefix + id
    if (new TextEncoder().encode(key).byteLength > MAX_KV_KEY_BYTES) {
      throw new TokenServiceError('SESSION_INVALID', 'session_id_too_long')
    }
    let record: string | null
    try {
      record = await (env[config.binding] as KVNamespace).get(key, 'text')
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
}
