/**
 * @module The names of every var and secret the Worker reads, and the check that catches a
 * misspelt one: `SESSION_ISUER` would otherwise be ignored, and with it the issuer check.
 */
import type { ConfigProblems } from './problems.ts'

/** Every setting, with where its value belongs. A new setting is added here and to the README. */
export const SETTINGS = {
  WIDGET_ID: 'var',
  TOKEN_PATH: 'var',
  TOKEN_TTL_SECONDS: 'var',
  ALLOWED_ORIGINS: 'var',
  SESSION_COOKIE: 'var',
  SESSION_SOURCE: 'var',
  SESSION_PROVIDER: 'var',
  COGNITO_USER_POOL_ID: 'var',
  COGNITO_CLIENT_ID: 'var',
  SUPABASE_PROJECT_REF: 'var',
  CLERK_PUBLISHABLE_KEY: 'var',
  CLERK_AUTHORIZED_PARTIES: 'var',
  CLERK_TREAT_PENDING_AS_SIGNED_OUT: 'var',
  FIREBASE_PROJECT_ID: 'var',
  SESSION_INTROSPECTION_URL: 'var',
  SESSION_INTROSPECTION_TIMEOUT_MS: 'var',
  SESSION_INTROSPECTION_CACHE_SECONDS: 'var',
  SESSION_INTROSPECTION_NEGATIVE_CACHE_SECONDS: 'var',
  SESSION_COOKIE_SIGNATURE: 'var',
  SESSION_KV_BINDING: 'var',
  SESSION_KV_PREFIX: 'var',
  SESSION_ALGORITHMS: 'var',
  SESSION_PUBLIC_KEY: 'var',
  SESSION_JWKS_URL: 'var',
  SESSION_JWKS_MAX_STALE_SECONDS: 'var',
  SESSION_ISSUER: 'var',
  SESSION_AUDIENCE: 'var',
  SESSION_CLOCK_TOLERANCE_SECONDS: 'var',
  SESSION_MAX_AGE_SECONDS: 'var',
  CONTACT_MAPPING: 'var',
  WIDGETS: 'var',
  ANONYMOUS_POLICY: 'var',
  ANONYMOUS_MAPPING: 'var',
  RATE_LIMIT_BINDING: 'var',
  TURNSTILE_VERIFY_URL: 'var',
  METRICS_BINDING: 'var',
  LOG_TOKENS_ISSUED: 'var',
  CONNECT_SECRET: 'secret',
  SESSION_SECRET: 'secret',
  TURNSTILE_SECRET: 'secret',
  AUTH_SECRET: 'secret',
  AUTH_SECRET_1: 'secret',
  AUTH_SECRET_2: 'secret',
  AUTH_SECRET_3: 'secret',
  NEXTAUTH_SECRET: 'secret',
  SUPABASE_JWT_SECRET: 'secret',
} as const satisfies Record<string, 'var' | 'secret'>

export type SettingName = keyof typeof SETTINGS

/**
 * The Worker's own namespace: an unknown name starting with one of these is a mistake. Other
 * names (the site's own vars, KV or rate-limit bindings) are none of this Worker's business.
 */
const OWN_PREFIXES = [
  'WIDGET',
  'TOKEN_',
  'ALLOWED_ORIGIN',
  'SESSION_',
  'CONTACT_',
  'CONNECT_',
  'ANONYMOUS_',
  'RATE_LIMIT_',
  'TURNSTILE_',
  'COGNITO_',
  'AUTH_SECRET',
  'NEXTAUTH_',
  'SUPABASE_',
  'CLERK_',
  'FIREBASE_',
  'METRICS_',
  'LOG_',
] as const

/** Whether `name` is in the Worker's own namespace, where an unknown name is a mistake. */
export function isOwnName(name: string): boolean {
  return OWN_PREFIXES.some((prefix) => name.startsWith(prefix))
}

export function isSecretSetting(name: string): boolean {
  return (SETTINGS as Record<string, string>)[name] === 'secret'
}

/**
 * Records every name in the Worker's namespace that it does not read, with the closest known
 * name. `bindings`: the names of bindings and secrets the configuration itself names
 * (`SESSION_KV_BINDING`, `RATE_LIMIT_BINDING`, `METRICS_BINDING`, each widget's `SECRET`), which are its own.
 */
export function checkSettingNames(
  env: Record<string, unknown>,
  bindings: readonly unknown[],
  problems: ConfigProblems,
): void {
  const own = new Set(bindings)
  for (const name of Object.keys(env)) {
    if (env[name] === undefined || Object.hasOwn(SETTINGS, name) || own.has(name)) continue
    if (!isOwnName(name)) continue
    problems.add(name, `is not a setting of this Worker; did you mean ${closest(name, Object.keys(SETTINGS))}?`)
  }
}

/**
 * The candidate nearest to a misspelt `name`, for "did you mean …?": every unknown name the
 * configuration refuses (a var, a widget's setting, a mapping entry's) is answered by this one;
 * `''` when none is within `maxDistance` edits.
 */
export function closest(name: string, candidates: Iterable<string>, maxDistance = Number.POSITIVE_INFINITY): string {
  let best = ''
  let bestDistance = maxDistance + 1
  for (const known of candidates) {
    const distance = editDistance(name, known)
    if (distance < bestDistance) [best, bestDistance] = [known, distance]
  }
  return best
}

/** Levenshtein distance: insertions, deletions and substitutions, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution))
    }
    previous = current
  }
  return previous[b.length]
}
