/**
 * @module Sessions the site writes to a Workers KV namespace: the cookie holds the session id
 * (optionally express-session signed), the record (JSON) is read under a configured prefix and
 * mapped like claims. No record: nobody signed in.
 *
 * The cookie names a key, so what it may name is narrow: an id of the usual session id
 * characters and length (no `:` or `/` that would reach another kind of key), read under the
 * prefix the site writes sessions with, or signed by the site (one of the two is required:
 * without, `session=user:42` would read the profile stored under `user:42`).
 *
 * KV is eventually consistent: a record written at sign-in can take up to about 60 s to reach
 * other locations (README, "Which session source fits").
 */
import type { SecretRef, SettingsInput } from '../config/input.ts'
import { optionalString, requiredString } from '../config/values.ts'
import { ConfigError, sessionUnavailable, TokenServiceError } from '../errors.ts'
import { readCookieName } from './cookies.ts'
import { parseExactly } from './exact-json.ts'
import { type SessionRecipe, sourceFromOptions } from './recipe.ts'
import { readSignature, SIGNATURE_VARS, signatureChecker } from './signed-cookie.ts'
import { eachCookie, type Identity, oneVisitor, type SessionSource } from './source.ts'

export interface KvSessionOptions {
  /** The session cookie's name (default `session`). */
  cookie?: string
  /** The name of the KV namespace binding holding the session records. */
  binding: string
  /** The prefix the site writes records under (`sess:`): required unless the cookie is signed. */
  prefix?: string
  /** `"express-session"`: the cookie's `s:<id>.<signature>` is checked with `secret`. */
  cookieSignature?: 'express-session'
  secret?: SecretRef
}

const VARS = {
  cookie: 'SESSION_COOKIE',
  binding: 'SESSION_KV_BINDING',
  prefix: 'SESSION_KV_PREFIX',
  ...SIGNATURE_VARS,
} as const

type Name = keyof typeof VARS

export interface KvSessionSettings {
  cookie: string
  binding: string
  prefix: string
  signature?: SecretRef
}

/**
 * A session id as session stores write them: uid-safe/base64url (express-session), hex (Rails,
 * Django's 32 characters), Laravel's 40, UUIDs; 16 to 256 characters, none that separates keys.
 */
export const SESSION_ID = /^[A-Za-z0-9_-]{16,256}$/

/** KV keys are at most 512 bytes; the session id takes up to 256 of them. */
const MAX_KV_PREFIX_LENGTH = 256

export const KV_SESSIONS: SessionRecipe<Name, KvSessionSettings> = {
  name: 'kv',
  vars: VARS,
  secrets: (input) => ({
    needed: input.value('cookieSignature') === undefined ? [] : [input.key('secret')],
    optional: [],
  }),
  read(input, problems) {
    const signature = problems.read(() => readSignature(input))
    return problems.fields({
      cookie: () => readCookieName(input),
      binding: () => readBinding(input),
      prefix: () => readPrefix(input, signature !== undefined || input.value('cookieSignature') !== undefined),
      signature: () => signature,
    })
  },
  create: (settings) => kvSessionSource(settings),
}

/** Sessions in Workers KV: options checked now, every mistake at once. */
export function kvSessions(options: KvSessionOptions): SessionSource {
  return sourceFromOptions(KV_SESSIONS, options, 'kvSessions')
}

function kvSessionSource(config: KvSessionSettings): SessionSource {
  const signedBySite = config.signature && signatureChecker(config.signature)
  async function readSessionRecord(cookie: string, env: Record<string, unknown>): Promise<Identity> {
    let id = cookie
    if (signedBySite) {
      if (!(await signedBySite(cookie, env))) throw new TokenServiceError('SESSION_INVALID', 'bad_cookie_signature')
      id = cookie.slice(2, cookie.lastIndexOf('.'))
    }
    if (!SESSION_ID.test(id)) throw new TokenServiceError('SESSION_INVALID', 'not_a_session_id')
    const namespace = env[config.binding] as KVNamespace | undefined
    if (typeof namespace?.get !== 'function') {
      throw new TokenServiceError('CONFIG_INVALID', 'config_invalid', { log: { keys: [config.binding] } })
    }
    let record: string | null
    try {
      record = await namespace.get(config.prefix + id, 'text')
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
    kind: 'kv',
    settings: config,
    identify: (context) =>
      oneVisitor(
        eachCookie(context.cookies.copies(config.cookie), (cookie) => readSessionRecord(cookie, context.env)),
        context,
        'no_session_cookie',
      ),
  }
}

/** The binding's name; with the env at hand (the standalone Worker's check), it must be bound. */
function readBinding(input: SettingsInput<Name>): string {
  const key = input.key('binding')
  const binding = requiredString(key, input.value('binding'))
  const namespace = input.env?.[binding] as { get?: unknown } | undefined
  if (input.env && typeof namespace?.get !== 'function') {
    throw new ConfigError(key, `no KV namespace is bound as "${binding}" (kv_namespaces in the wrangler configuration)`)
  }
  return binding
}

/**
 * The cookie names a KV key: without a prefix the site's sessions are written under, or the
 * site's signature on the id, `session=user:42` would read whatever is stored under `user:42`.
 */
function readPrefix(input: SettingsInput<Name>, signed: boolean): string {
  const key = input.key('prefix')
  const prefix = optionalString(key, input.value('prefix'))
  if (prefix === undefined) {
    if (signed) return ''
    throw new ConfigError(
      key,
      `is required unless ${input.key('cookieSignature')} is set: set the prefix your site writes sessions under (such as "sess:"), so that a cookie cannot name any other key of the namespace`,
    )
  }
  if (prefix.length > MAX_KV_PREFIX_LENGTH) {
    throw new ConfigError(key, `must be at most ${MAX_KV_PREFIX_LENGTH} characters (KV keys are 512 bytes)`)
  }
  return prefix
}
