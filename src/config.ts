/**
 * @module Worker env (vars and secrets) → a typed, validated `Config`, built once per isolate.
 *
 * A mistake is reported once, naming the key, when the first request loads configuration;
 * from then on every request gets a coded `CONFIG_INVALID` response.
 */

import { integerInRange, optionalString, requiredString, stringList } from './config-values'
import {
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  DEFAULT_TOKEN_TTL_SECONDS,
  MAX_CLOCK_TOLERANCE_SECONDS,
  MAX_TOKEN_TTL_SECONDS,
  MIN_CONNECT_SECRET_LENGTH,
} from './constants'
import { ConfigError } from './errors'
import { logEvent } from './log'
import { type MappingRule, parseMapping } from './mapping'
import { type OriginPolicy, parseOriginPolicy } from './origins'
import { ASYMMETRIC_ALGORITHMS, type SessionKeySource, SYMMETRIC_ALGORITHMS, sessionKeyResolver } from './session/keys'
import type { SessionConfig } from './session/verify'
import type { WidgetTokenConfig } from './token'

/** The Worker's bindings as they arrive: untrusted until `loadConfig` has read them. */
export interface Env {
  /** Secret: the widget's security key from the Amazon Connect console. */
  CONNECT_SECRET?: string
  /** Secret: the shared secret that signs HS256/384/512 session cookies. */
  SESSION_SECRET?: string
  [name: string]: unknown
}

export interface Config {
  tokenPath: string
  widget: WidgetTokenConfig
  session: SessionConfig
  origins: OriginPolicy
  mapping: MappingRule[]
}

const configs = new WeakMap<object, Promise<Config>>()

/** A literal path: the router would read `:name` or `*` as patterns. */
const PLAIN_PATH = /^\/[A-Za-z0-9._~/-]*$/

/** The configuration for this `env`, read and validated on first use. */
export function loadConfig(env: Env): Promise<Config> {
  let config = configs.get(env)
  if (!config) {
    config = readConfig(env)
    config.catch((error: unknown) => {
      const detail =
        error instanceof ConfigError ? { key: error.key, problem: error.problem } : { problem: String(error) }
      logEvent('error', 'config_invalid', detail)
    })
    configs.set(env, config)
  }
  return config
}

export async function readConfig(env: Env): Promise<Config> {
  const tokenPath = optionalString('TOKEN_PATH', env.TOKEN_PATH) ?? '/token'
  if (!PLAIN_PATH.test(tokenPath)) {
    throw new ConfigError('TOKEN_PATH', 'must be a plain path such as "/token" (no ":", "*", query or spaces)')
  }
  return {
    tokenPath,
    widget: await readWidgetConfig(env),
    session: await readSessionConfig(env),
    origins: parseOriginPolicy('ALLOWED_ORIGINS', stringList('ALLOWED_ORIGINS', env.ALLOWED_ORIGINS)),
    mapping: parseMapping('CONTACT_MAPPING', env.CONTACT_MAPPING),
  }
}

async function readWidgetConfig(env: Env): Promise<WidgetTokenConfig> {
  const secret = requiredString('CONNECT_SECRET', env.CONNECT_SECRET)
  if (secret.length < MIN_CONNECT_SECRET_LENGTH) {
    throw new ConfigError('CONNECT_SECRET', `must be the widget's security key (44 characters), got ${secret.length}`)
  }
  // The key is the string's UTF-8 bytes, as in Amazon's samples: it is not base64-decoded.
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return {
    widgetId: requiredString('WIDGET_ID', env.WIDGET_ID),
    ttlSeconds: integerInRange('TOKEN_TTL_SECONDS', env.TOKEN_TTL_SECONDS, {
      min: 1,
      max: MAX_TOKEN_TTL_SECONDS,
      fallback: DEFAULT_TOKEN_TTL_SECONDS,
    }),
    key,
  }
}

async function readSessionConfig(env: Env): Promise<SessionConfig> {
  const keySource = readKeySource(env)
  const algorithms = readAlgorithms(env, keySource)
  let getKey: SessionConfig['getKey']
  try {
    getKey = await sessionKeyResolver(keySource, algorithms)
  } catch (error) {
    const key = keySource.kind === 'secret' ? 'SESSION_SECRET' : 'SESSION_PUBLIC_KEY'
    throw new ConfigError(key, `cannot be imported for ${algorithms.join(', ')}: ${(error as Error).message}`)
  }
  const audience = stringList('SESSION_AUDIENCE', env.SESSION_AUDIENCE)
  return {
    cookieName: optionalString('SESSION_COOKIE', env.SESSION_COOKIE) ?? 'session',
    algorithms,
    issuer: optionalString('SESSION_ISSUER', env.SESSION_ISSUER),
    audience: audience.length > 0 ? audience : undefined,
    clockToleranceSeconds: integerInRange('SESSION_CLOCK_TOLERANCE_SECONDS', env.SESSION_CLOCK_TOLERANCE_SECONDS, {
      min: 0,
      max: MAX_CLOCK_TOLERANCE_SECONDS,
      fallback: DEFAULT_CLOCK_TOLERANCE_SECONDS,
    }),
    keySource,
    getKey,
  }
}

function readKeySource(env: Env): SessionKeySource {
  const secret = optionalString('SESSION_SECRET', env.SESSION_SECRET)
  const publicKey = optionalString('SESSION_PUBLIC_KEY', env.SESSION_PUBLIC_KEY)
  const jwksUrl = optionalString('SESSION_JWKS_URL', env.SESSION_JWKS_URL)
  const given = [secret, publicKey, jwksUrl].filter((value) => value !== undefined).length
  if (given !== 1) {
    throw new ConfigError(
      'SESSION_SECRET',
      `set exactly one of SESSION_SECRET, SESSION_PUBLIC_KEY or SESSION_JWKS_URL (${given} set)`,
    )
  }
  if (secret !== undefined) return { kind: 'secret', secret }
  if (publicKey !== undefined) return { kind: 'publicKey', key: publicKey }
  const url = URL.canParse(jwksUrl as string) ? new URL(jwksUrl as string) : undefined
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ConfigError('SESSION_JWKS_URL', 'must be an http(s) URL')
  }
  return { kind: 'jwks', url }
}

/** Algorithms are pinned here, and must suit the key: HS* with a secret, the rest with public keys. */
function readAlgorithms(env: Env, source: SessionKeySource): string[] {
  const algorithms = stringList('SESSION_ALGORITHMS', env.SESSION_ALGORITHMS)
  if (algorithms.length === 0) throw new ConfigError('SESSION_ALGORITHMS', 'is required, e.g. ["HS256"]')
  const suitable: readonly string[] = source.kind === 'secret' ? SYMMETRIC_ALGORITHMS : ASYMMETRIC_ALGORITHMS
  for (const [index, alg] of algorithms.entries()) {
    if (!suitable.includes(alg)) {
      throw new ConfigError(
        `SESSION_ALGORITHMS[${index}]`,
        `"${alg}" cannot be verified with ${source.kind === 'secret' ? 'SESSION_SECRET' : 'a public key'}; use one of ${suitable.join(', ')}`,
      )
    }
  }
  return algorithms
}
