/**
 * @module Vars and secrets → where sessions come from (`SESSION_SOURCE`): a JWT cookie
 * verified here, the site's "who is this?" URL, or a Workers KV namespace.
 */
import { ConfigError } from '../errors'
import type { IntrospectionConfig } from '../session/introspection'
import type { KvSessionConfig } from '../session/kv'
import { importCookieSigningKey } from '../session/signed-cookie'
import type { ConfigProblems } from './problems'
import type { ProviderConfig } from './providers'
import { integerInRange, optionalString, requiredString, secureUrl } from './values'

export type SessionSourceConfig =
  | { kind: 'jwt' }
  | IntrospectionConfig
  | KvSessionConfig
  | { kind: 'provider'; provider: ProviderConfig }

const SOURCES = ['jwt', 'introspection', 'kv'] as const

/** Settings that only a JWT cookie uses: set with another source, they would be ignored. */
export const JWT_ONLY_SETTINGS = [
  'SESSION_ALGORITHMS',
  'SESSION_PUBLIC_KEY',
  'SESSION_JWKS_URL',
  'SESSION_JWKS_MAX_STALE_SECONDS',
  'SESSION_ISSUER',
  'SESSION_AUDIENCE',
  'SESSION_CLOCK_TOLERANCE_SECONDS',
  'SESSION_MAX_AGE_SECONDS',
]

const INTROSPECTION_SETTINGS = [
  'SESSION_INTROSPECTION_URL',
  'SESSION_INTROSPECTION_TIMEOUT_MS',
  'SESSION_INTROSPECTION_CACHE_SECONDS',
  'SESSION_INTROSPECTION_NEGATIVE_CACHE_SECONDS',
]
const KV_SETTINGS = ['SESSION_KV_BINDING', 'SESSION_KV_PREFIX']

export function sourceKind(env: Record<string, unknown>): SessionSourceConfig['kind'] {
  if (env.SESSION_PROVIDER !== undefined) {
    if (env.SESSION_SOURCE !== undefined) {
      throw new ConfigError('SESSION_SOURCE', 'set either SESSION_SOURCE or SESSION_PROVIDER, not both')
    }
    return 'provider'
  }
  const kind = optionalString('SESSION_SOURCE', env.SESSION_SOURCE) ?? 'jwt'
  if (!(SOURCES as readonly string[]).includes(kind)) {
    throw new ConfigError('SESSION_SOURCE', `must be one of ${SOURCES.join(', ')}, got "${kind}"`)
  }
  return kind as SessionSourceConfig['kind']
}

/**
 * The source's own settings (the JWT source's and providers' are read by `session.ts` and
 * `providers.ts`), refusing the settings of the other sources, which would be ignored.
 */
export async function readSourceConfig(
  env: Record<string, unknown>,
  kind: SessionSourceConfig['kind'],
  problems: ConfigProblems,
  secretsGiven: boolean,
  cacheScope: string,
): Promise<SessionSourceConfig | undefined> {
  if (kind === 'jwt' || kind === 'provider') {
    for (const name of [...INTROSPECTION_SETTINGS, ...KV_SETTINGS, 'SESSION_COOKIE_SIGNATURE']) {
      if (env[name] !== undefined) problems.add(name, `does not apply to ${kind} sessions: remove it`)
    }
    return kind === 'jwt' ? { kind } : undefined
  }
  for (const name of JWT_ONLY_SETTINGS) {
    if (env[name] !== undefined)
      problems.add(name, `applies only to SESSION_SOURCE = "jwt" (this one is "${kind}"): remove it`)
  }
  const others = kind === 'kv' ? INTROSPECTION_SETTINGS : KV_SETTINGS
  for (const name of others) {
    if (env[name] !== undefined) problems.add(name, `does not apply to SESSION_SOURCE = "${kind}": remove it`)
  }
  const scheme = problems.read(() => readSignatureScheme(env))
  const signedCookieKey =
    secretsGiven && scheme ? await problems.readAsync(() => importSigningKey(env.SESSION_SECRET)) : undefined
  if (kind === 'kv') {
    return problems.fields({
      kind: () => kind,
      binding: () => readKvBinding(env, secretsGiven),
      prefix: () => readKvPrefix(env, scheme !== undefined),
      signedCookieKey: () => signedCookieKey,
    })
  }
  return problems.fields({
    kind: () => kind,
    url: () =>
      secureUrl(
        'SESSION_INTROSPECTION_URL',
        requiredString('SESSION_INTROSPECTION_URL', env.SESSION_INTROSPECTION_URL),
      ),
    timeoutMs: () =>
      integerInRange('SESSION_INTROSPECTION_TIMEOUT_MS', env.SESSION_INTROSPECTION_TIMEOUT_MS, {
        min: 100,
        max: 10_000,
        fallback: 1_500,
      }),
    cacheSeconds: () =>
      integerInRange('SESSION_INTROSPECTION_CACHE_SECONDS', env.SESSION_INTROSPECTION_CACHE_SECONDS, {
        min: 0,
        max: 3_600,
        fallback: 60,
      }),
    negativeCacheSeconds: () =>
      integerInRange('SESSION_INTROSPECTION_NEGATIVE_CACHE_SECONDS', env.SESSION_INTROSPECTION_NEGATIVE_CACHE_SECONDS, {
        min: 0,
        max: 300,
        fallback: 10,
      }),
    signedCookieKey: () => signedCookieKey,
    cacheScope: () => cacheScope,
  })
}

/** Whether the source needs `SESSION_SECRET`: a JWT signed with it, or a signed cookie to check. */
export function sourceNeedsSessionSecret(env: Record<string, unknown>): boolean {
  return env.SESSION_COOKIE_SIGNATURE !== undefined
}

function readSignatureScheme(env: Record<string, unknown>): 'express-session' | undefined {
  const scheme = optionalString('SESSION_COOKIE_SIGNATURE', env.SESSION_COOKIE_SIGNATURE)
  if (scheme === undefined || scheme === 'express-session') return scheme
  throw new ConfigError('SESSION_COOKIE_SIGNATURE', 'the only supported value is "express-session"')
}

function importSigningKey(secret: unknown): Promise<CryptoKey> {
  return importCookieSigningKey(requiredString('SESSION_SECRET', secret))
}

/**
 * The cookie names a KV key: without a prefix the site's sessions are written under, or the
 * site's signature on the id, `session=user:42` would read whatever is stored under `user:42`.
 */
function readKvPrefix(env: Record<string, unknown>, signed: boolean): string {
  const prefix = optionalString('SESSION_KV_PREFIX', env.SESSION_KV_PREFIX)
  if (prefix === undefined) {
    if (signed) return ''
    throw new ConfigError(
      'SESSION_KV_PREFIX',
      'is required with SESSION_SOURCE = "kv" unless SESSION_COOKIE_SIGNATURE is set: set the prefix your site writes sessions under (such as "sess:"), so that a cookie cannot name any other key of the namespace',
    )
  }
  if (prefix.length > MAX_KV_PREFIX_LENGTH) {
    throw new ConfigError(
      'SESSION_KV_PREFIX',
      `must be at most ${MAX_KV_PREFIX_LENGTH} characters (KV keys are 512 bytes)`,
    )
  }
  return prefix
}

/** KV keys are at most 512 bytes; the session id takes up to 256 of them. */
const MAX_KV_PREFIX_LENGTH = 256

function readKvBinding(env: Record<string, unknown>, bindingsGiven: boolean): string {
  const binding = requiredString('SESSION_KV_BINDING', env.SESSION_KV_BINDING)
  const namespace = env[binding] as { get?: unknown } | undefined
  if (bindingsGiven && typeof namespace?.get !== 'function') {
    throw new ConfigError(
      'SESSION_KV_BINDING',
      `no KV namespace is bound as "${binding}" (kv_namespaces in wrangler.toml)`,
    )
  }
  return binding
}
