/**
 * @module One widget's settings, for the standalone Worker's vars and for `widgetToken()`'s
 * options alike: the widget id and the secret holding its key, the token's lifetime, the
 * origins allowed cross-origin, the contact mapping, guests and their guards, metrics. The key is read
 * from the request's env and imported once per value (`widgetKeys`).
 */
import { type ContactRules, isMappingFunction } from '../attributes.ts'
import { cacheScopeOf } from '../cache-scope.ts'
import { CONNECT_SECRET_LENGTH, DEFAULT_TOKEN_TTL_SECONDS, MAX_TOKEN_TTL_SECONDS } from '../constants.ts'
import { ConfigError } from '../errors.ts'
import type { RateLimiter } from '../guards/rate-limit.ts'
import { parseMapping } from '../mapping.ts'
import type { Metrics } from '../metrics.ts'
import { type OriginPolicy, parseOriginPolicy } from '../origins.ts'
import { type AnonymousConfig, GUEST_VARS, type GuardMakers, readAnonymousConfig, readRateLimiter } from './guards.ts'
import { requireSecret, type SecretRef, type SettingsInput, secretRef } from './input.ts'
import { METRICS_VARS, readLogTokensIssued, readMetrics } from './metrics.ts'
import type { ConfigProblems } from './problems.ts'
import { integerInRange, requiredString, stringList } from './values.ts'

/** The binding that holds a widget's key unless its settings name another. */
export const DEFAULT_WIDGET_SECRET = 'CONNECT_SECRET'

/**
 * A widget's options, and the vars the standalone Worker reads them from. Merged by a call marked
 * pure (a spread is not, to a bundler): an app, which reads no vars, bundles none of the names.
 */
export const WIDGET_VARS = /* @__PURE__ */ Object.assign(
  {
    widgetId: 'WIDGET_ID',
    secret: DEFAULT_WIDGET_SECRET,
    ttlSeconds: 'TOKEN_TTL_SECONDS',
    origins: 'ALLOWED_ORIGINS',
    mapping: 'CONTACT_MAPPING',
    rateLimit: 'RATE_LIMIT_BINDING',
  } as const,
  GUEST_VARS,
  METRICS_VARS,
)

export type WidgetSettingName = keyof typeof WIDGET_VARS

export interface WidgetSettings {
  /** The widget id from the Connect snippet: the token's `sub`. */
  widgetId: string
  ttlSeconds: number
  /** The widget's security key, read from the request's env. */
  secret: SecretRef
  origins: OriginPolicy
  mapping: ContactRules
  anonymous: AnonymousConfig
  /** The `[[ratelimits]]` binding that limits tokens, when configured. */
  rateLimit?: RateLimiter
  /** The Analytics Engine dataset each token request writes a data point to, when configured. */
  metrics?: Metrics
  /** Whether a token issued without a warning gets a log line (refusals and warnings always do). */
  logTokensIssued: boolean
}

/**
 * What turns vars into the optional parts' specs (Turnstile, the rate limiter, the metrics
 * dataset): the standalone Worker's, which reads vars. Options hold the specs themselves.
 */
export interface WidgetMakers extends GuardMakers {
  metrics: (input: SettingsInput<'metrics'>) => Metrics | undefined
}

/** Reads every widget setting, recording each mistake. */
export function readWidgetSettings(
  input: SettingsInput<WidgetSettingName>,
  problems: ConfigProblems,
  makers?: WidgetMakers,
): WidgetSettings | undefined {
  const anonymous = readAnonymousConfig(input, problems, makers)
  const settings = problems.fields({
    widgetId: () => requiredString(input.key('widgetId'), input.value('widgetId')),
    ttlSeconds: () =>
      integerInRange(input.key('ttlSeconds'), input.value('ttlSeconds'), {
        min: 1,
        max: MAX_TOKEN_TTL_SECONDS,
        fallback: DEFAULT_TOKEN_TTL_SECONDS,
      }),
    secret: () => readWidgetSecret(input),
    origins: () => parseOriginPolicy(input.key('origins'), stringList(input.key('origins'), input.value('origins'))),
    mapping: () => {
      const mapping = input.value('mapping')
      return input.form === 'options' && isMappingFunction(mapping)
        ? mapping
        : parseMapping(input.key('mapping'), mapping)
    },
    rateLimit: () => readRateLimiter(input, makers),
    metrics: () => readMetrics(input, makers?.metrics),
    logTokensIssued: () => readLogTokensIssued(input),
  })
  return settings && anonymous && { ...settings, anonymous }
}

/** The key's reference; with the standalone Worker's secrets at hand, its value is checked now. */
function readWidgetSecret(input: SettingsInput<WidgetSettingName>): SecretRef {
  const ref = secretRef(input, 'secret') ?? input.key('secret')
  if (input.env) checkConnectSecret(input.key('secret'), input.value('secret'))
  return ref
}

/** A widget's security key as the console gives it; `npm run secret` checks one before uploading it. */
export function checkConnectSecret(key: string, value: unknown): string {
  const secret = requiredString(key, value)
  if (secret.length !== CONNECT_SECRET_LENGTH) {
    throw new ConfigError(
      key,
      `must be the widget's ${CONNECT_SECRET_LENGTH}-character security key from the Amazon Connect console, got ${secret.length} characters`,
    )
  }
  return secret
}

export interface WidgetKeys {
  /** The key as an HMAC-SHA-256 `CryptoKey` that signs the widget's tokens. */
  key: CryptoKey
  /** Salts the names of the location's shared cache entries (see `edge-cache.ts`). */
  cacheScope: string
}

/**
 * The widget's key for a request: read from its env, checked (a missing or mistyped key is
 * `500 CONFIG_INVALID`), imported once per value; a rotation brings a new value, and a new key.
 */
export function widgetKeys(secret: SecretRef): (env: Record<string, unknown>) => Promise<WidgetKeys> {
  const imported = new Map<string, Promise<WidgetKeys>>()
  return (env) => {
    const value = requireSecret(secret, env, checkConnectSecret)
    let keys = imported.get(value)
    if (!keys) {
      if (imported.size >= 4) imported.delete(imported.keys().next().value as string)
      keys = importKeys(value)
      imported.set(value, keys)
    }
    return keys
  }
}

async function importKeys(secret: string): Promise<WidgetKeys> {
  // The key is the string's UTF-8 bytes, as in Amazon's samples: it is not base64-decoded.
  const bytes = new TextEncoder().encode(secret)
  const key = await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return { key, cacheScope: await cacheScopeOf([secret]) }
}
