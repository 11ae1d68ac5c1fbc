/**
 * @module Vars and secret → how sessions are verified: the cookie, the pinned algorithms,
 * where the keys come from, and the issuer, audience and clock checks.
 */
import {
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  DEFAULT_JWKS_MAX_STALE_SECONDS,
  MAX_CLOCK_TOLERANCE_SECONDS,
  MAX_JWKS_MAX_STALE_SECONDS,
  MAX_SESSION_MAX_AGE_SECONDS,
} from '../constants'
import { ConfigError } from '../errors'
import {
  ASYMMETRIC_ALGORITHMS,
  PrivateKeyError,
  type SessionKeySource,
  SYMMETRIC_ALGORITHMS,
  sessionKeyResolver,
} from '../session/keys'
import type { SessionConfig } from '../session/verify'
import type { ConfigProblems } from './problems'
import { integerInRange, optionalInteger, optionalString, secureUrl, stringList } from './values'

type KeyKind = SessionKeySource['kind']

/** Which key source the vars choose: a public key or JWKS URL, else the `SESSION_SECRET` secret. */
export function sessionKeyKind(env: Record<string, unknown>): KeyKind {
  if (env.SESSION_PUBLIC_KEY !== undefined) return 'publicKey'
  if (env.SESSION_JWKS_URL !== undefined) return 'jwks'
  return 'secret'
}

/** Reads every session setting, recording each mistake; keys are imported only when all is well. */
export async function readSessionConfig(
  env: Record<string, unknown>,
  problems: ConfigProblems,
  secretsGiven: boolean,
  cacheScope: string,
): Promise<SessionConfig | undefined> {
  const keySource = problems.read(() => readKeySource(env, secretsGiven, cacheScope))
  const algorithms = problems.read(() => readAlgorithms(env, sessionKeyKind(env)))
  const audience = problems.read(() => readAudience(env))
  const settings = problems.read(() => ({
    issuer: optionalString('SESSION_ISSUER', env.SESSION_ISSUER),
    clockToleranceSeconds: readClockTolerance(env),
    maxAgeSeconds: optionalInteger('SESSION_MAX_AGE_SECONDS', env.SESSION_MAX_AGE_SECONDS, {
      min: 60,
      max: MAX_SESSION_MAX_AGE_SECONDS,
    }),
  }))
  // A configured public key is imported even without secrets, so the check catches a bad PEM.
  if (!keySource || keySource === 'secret-not-given' || !algorithms) return undefined
  const keys = await problems.readAsync(() => importKeys(keySource, algorithms))
  if (!keys || !settings || audience === undefined) return undefined
  return { ...settings, algorithms, audience: audience ?? undefined, keySource, ...keys }
}

async function importKeys(keySource: SessionKeySource, algorithms: string[]) {
  try {
    return await sessionKeyResolver(keySource, algorithms)
  } catch (error) {
    if (error instanceof PrivateKeyError) throw new ConfigError('SESSION_PUBLIC_KEY', error.message)
    const key = keySource.kind === 'secret' ? 'SESSION_SECRET' : 'SESSION_PUBLIC_KEY'
    throw new ConfigError(key, `cannot be imported for ${algorithms.join(', ')}: ${(error as Error).message}`)
  }
}

function readKeySource(
  env: Record<string, unknown>,
  secretsGiven: boolean,
  cacheScope: string,
): SessionKeySource | 'secret-not-given' {
  const publicKey = optionalString('SESSION_PUBLIC_KEY', env.SESSION_PUBLIC_KEY, { allowSurroundingSpace: true })
  const jwksUrl = optionalString('SESSION_JWKS_URL', env.SESSION_JWKS_URL)
  const secret = secretsGiven ? optionalString('SESSION_SECRET', env.SESSION_SECRET) : undefined
  const given = [secret, publicKey, jwksUrl].filter((value) => value !== undefined).length
  if (given > 1 || (given === 0 && secretsGiven)) {
    throw new ConfigError(
      'SESSION_SECRET',
      `set exactly one of SESSION_SECRET (secret), SESSION_PUBLIC_KEY or SESSION_JWKS_URL (${given} set)`,
    )
  }
  if (publicKey !== undefined) return { kind: 'publicKey', key: publicKey }
  if (jwksUrl !== undefined) {
    const maxStaleSeconds = integerInRange('SESSION_JWKS_MAX_STALE_SECONDS', env.SESSION_JWKS_MAX_STALE_SECONDS, {
      min: 0,
      max: MAX_JWKS_MAX_STALE_SECONDS,
      fallback: DEFAULT_JWKS_MAX_STALE_SECONDS,
    })
    return { kind: 'jwks', url: secureUrl('SESSION_JWKS_URL', jwksUrl), maxStaleSeconds, cacheScope }
  }
  return secret === undefined ? 'secret-not-given' : { kind: 'secret', secret }
}

/** Clock skew allowed on time claims: for every kind of session that carries them. */
export function readClockTolerance(env: Record<string, unknown>): number {
  return integerInRange('SESSION_CLOCK_TOLERANCE_SECONDS', env.SESSION_CLOCK_TOLERANCE_SECONDS, {
    min: 0,
    max: MAX_CLOCK_TOLERANCE_SECONDS,
    fallback: DEFAULT_CLOCK_TOLERANCE_SECONDS,
  })
}

/** Algorithms are pinned here, and must suit the key: HS* with a secret, the rest with public keys. */
function readAlgorithms(env: Record<string, unknown>, kind: KeyKind): string[] {
  const algorithms = stringList('SESSION_ALGORITHMS', env.SESSION_ALGORITHMS)
  if (algorithms.length === 0) throw new ConfigError('SESSION_ALGORITHMS', 'is required, e.g. ["HS256"]')
  const suitable: readonly string[] = kind === 'secret' ? SYMMETRIC_ALGORITHMS : ASYMMETRIC_ALGORITHMS
  for (const [index, alg] of algorithms.entries()) {
    if (!suitable.includes(alg)) {
      throw new ConfigError(
        `SESSION_ALGORITHMS[${index}]`,
        `"${alg}" cannot be verified with ${kind === 'secret' ? 'SESSION_SECRET' : 'a public key'}; use one of ${suitable.join(', ')}`,
      )
    }
  }
  return algorithms
}

/** `null` when absent (no audience check); an empty list is a mistake, not "off". */
function readAudience(env: Record<string, unknown>): string[] | null {
  if (env.SESSION_AUDIENCE === undefined || env.SESSION_AUDIENCE === null) return null
  const audience = stringList('SESSION_AUDIENCE', env.SESSION_AUDIENCE)
  if (audience.length === 0) {
    throw new ConfigError('SESSION_AUDIENCE', 'lists no audience: name at least one, or remove the var')
  }
  return audience
}
