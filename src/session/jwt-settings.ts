/**
 * @module How a JWT session is verified, for the JWT cookie and every JWT identity provider:
 * the pinned algorithms, where the keys come from (a secret, a public key, a JWKS), and the
 * issuer, audience and clock checks. Read by the one validator from vars or options; the keys
 * are resolved per request (a secret is read from the request's env) and kept per isolate.
 */

import { requireSecret, type SecretRef, type SettingsInput, secretName, secretRef } from '../config/input.ts'
import type { ConfigProblems } from '../config/problems.ts'
import { integerInRange, optionalInteger, optionalString, secureUrl, stringList } from '../config/values.ts'
import {
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  DEFAULT_JWKS_MAX_STALE_SECONDS,
  MAX_CLOCK_TOLERANCE_SECONDS,
  MAX_JWKS_MAX_STALE_SECONDS,
  MAX_SESSION_MAX_AGE_SECONDS,
} from '../constants.ts'
import { ConfigError, configInvalid } from '../errors.ts'
import {
  ASYMMETRIC_ALGORITHMS,
  PrivateKeyError,
  type SessionKeys,
  SYMMETRIC_ALGORITHMS,
  sessionKeyResolver,
} from './keys.ts'
import type { SessionConfig } from './verify.ts'

/** JWT verification's options, and the vars the standalone Worker reads them from. */
export const JWT_VARS = {
  algorithms: 'SESSION_ALGORITHMS',
  secret: 'SESSION_SECRET',
  publicKey: 'SESSION_PUBLIC_KEY',
  jwksUrl: 'SESSION_JWKS_URL',
  jwksMaxStaleSeconds: 'SESSION_JWKS_MAX_STALE_SECONDS',
  issuer: 'SESSION_ISSUER',
  audience: 'SESSION_AUDIENCE',
  clockToleranceSeconds: 'SESSION_CLOCK_TOLERANCE_SECONDS',
  maxAgeSeconds: 'SESSION_MAX_AGE_SECONDS',
} as const

export type JwtSettingName = keyof typeof JWT_VARS

export interface JwtOptions {
  /** Pinned: the token's own `alg` is only ever checked against this list; `none` never passes. */
  algorithms: string[]
  /** HS256/384/512: the shared secret (a binding name, or a function of the env). */
  secret?: SecretRef
  /** A PEM (`-----BEGIN PUBLIC KEY-----`) or a JWK as JSON text. */
  publicKey?: string
  /** The login service's JWKS (https; http only on loopback). */
  jwksUrl?: string
  /** How long the last good JWKS keeps verifying while its host fails (default a day). */
  jwksMaxStaleSeconds?: number
  issuer?: string
  audience?: string | string[]
  /** Clock skew allowed on `exp`/`nbf`/`iat` (default 30). */
  clockToleranceSeconds?: number
  /** When set, sessions must carry `iat` and be at most this old. */
  maxAgeSeconds?: number
}

export type JwtKeys =
  | { kind: 'secret'; ref: SecretRef }
  | { kind: 'publicKey'; key: string }
  | { kind: 'jwks'; url: URL; maxStaleSeconds: number }

export interface JwtSettings {
  algorithms: string[]
  issuer?: string
  audience?: string[]
  clockToleranceSeconds: number
  maxAgeSeconds?: number
  keys: JwtKeys
  /**
   * A key trusted besides the configured ones, for sessions whose `kid` names it: only the
   * development entry's demo key (`src/dev/demo-signer.ts`). No reader sets it.
   */
  trust?: { kid: string; key: CryptoKey }
}

/** Which key source the settings choose: a public key or JWKS URL, else the secret. */
export function jwtKeyKind(input: SettingsInput<JwtSettingName>): JwtKeys['kind'] {
  if (input.value('publicKey') !== undefined) return 'publicKey'
  if (input.value('jwksUrl') !== undefined) return 'jwks'
  return 'secret'
}

/** Reads every JWT setting, recording each mistake. */
export function readJwtSettings(
  input: SettingsInput<JwtSettingName>,
  problems: ConfigProblems,
): JwtSettings | undefined {
  const keys = problems.read(() => readKeys(input))
  const algorithms = problems.read(() => readAlgorithms(input))
  const audience = problems.read(() => readAudience(input))
  const rest = problems.fields({
    issuer: () => optionalString(input.key('issuer'), input.value('issuer')),
    clockToleranceSeconds: () => readClockTolerance(input),
    maxAgeSeconds: () =>
      optionalInteger(input.key('maxAgeSeconds'), input.value('maxAgeSeconds'), {
        min: 60,
        max: MAX_SESSION_MAX_AGE_SECONDS,
      }),
  })
  if (!keys || !algorithms || audience === undefined || !rest) return undefined
  return { ...rest, algorithms, audience: audience ?? undefined, keys }
}

/**
 * A configured public key is imported now, so a bad PEM is caught before a request meets it;
 * `key` names the setting that holds it.
 */
export async function checkJwtKeys(settings: JwtSettings, problems: ConfigProblems, key: string): Promise<void> {
  const { keys, algorithms } = settings
  if (keys.kind !== 'publicKey') return
  await problems.readAsync(async () => {
    try {
      await sessionKeyResolver(keys, algorithms)
    } catch (error) {
      throw new ConfigError(key, importProblem(error, algorithms))
    }
  })
}

/** Clock skew allowed on time claims: for every kind of session that carries them. */
export function readClockTolerance(input: SettingsInput<'clockToleranceSeconds'>): number {
  return integerInRange(input.key('clockToleranceSeconds'), input.value('clockToleranceSeconds'), {
    min: 0,
    max: MAX_CLOCK_TOLERANCE_SECONDS,
    fallback: DEFAULT_CLOCK_TOLERANCE_SECONDS,
  })
}

/**
 * The verification settings for a request: the keys resolved from its env (a secret's value)
 * and kept per isolate, a remote key set per location cache scope.
 */
export function jwtVerifier(
  settings: JwtSettings,
): (env: Record<string, unknown>, cacheScope: string) => Promise<SessionConfig> {
  const resolved = new Map<string, Promise<SessionKeys>>()
  return async (env, cacheScope) => {
    const { keys } = settings
    const secret = keys.kind === 'secret' ? requireSecret(keys.ref, env) : ''
    const id = `${keys.kind}\n${secret}\n${cacheScope}`
    let found = resolved.get(id)
    if (!found) {
      const source =
        keys.kind === 'secret'
          ? { kind: 'secret' as const, secret }
          : keys.kind === 'jwks'
            ? { ...keys, cacheScope }
            : keys
      found = sessionKeyResolver(source, settings.algorithms)
      found.catch(() => resolved.delete(id))
      // A rotated secret replaces the old one: a few entries at most.
      if (resolved.size >= 4) resolved.delete(resolved.keys().next().value as string)
      resolved.set(id, found)
    }
    let sessionKeys: SessionKeys
    try {
      sessionKeys = await found
    } catch (error) {
      throw configInvalid([new ConfigError(keyName(keys), importProblem(error, settings.algorithms))])
    }
    const { trust } = settings
    if (!trust) return { ...settings, ...sessionKeys }
    const { getKey } = sessionKeys
    return {
      ...settings,
      ...sessionKeys,
      getKey: (header, token) => (header.kid === trust.kid ? trust.key : getKey(header, token)),
    }
  }
}

function keyName(keys: JwtKeys): string {
  return keys.kind === 'secret' ? secretName(keys.ref) : keys.kind === 'publicKey' ? 'publicKey' : 'jwksUrl'
}

function importProblem(error: unknown, algorithms: string[]): string {
  if (error instanceof PrivateKeyError) return error.message
  return `cannot be imported for ${algorithms.join(', ')}: ${(error as Error).message}`
}

function readKeys(input: SettingsInput<JwtSettingName>): JwtKeys {
  const publicKey = optionalString(input.key('publicKey'), input.value('publicKey'), { allowSurroundingSpace: true })
  const jwksUrl = optionalString(input.key('jwksUrl'), input.value('jwksUrl'))
  const secret = secretRef(input, 'secret', { required: false })
  const given = [secret, publicKey, jwksUrl].filter((value) => value !== undefined).length
  // Without the secrets (the check before a deployment) a missing secret cannot be told from one set later.
  const secretsKnown = input.form === 'options' || input.env !== undefined
  if (given > 1 || (given === 0 && secretsKnown)) {
    const [s, p, j] = [input.key('secret'), input.key('publicKey'), input.key('jwksUrl')]
    throw new ConfigError(s, `set exactly one of ${s} (secret), ${p} or ${j} (${given} set)`)
  }
  if (publicKey !== undefined) return { kind: 'publicKey', key: publicKey }
  if (jwksUrl !== undefined) {
    const maxStaleSeconds = integerInRange(input.key('jwksMaxStaleSeconds'), input.value('jwksMaxStaleSeconds'), {
      min: 0,
      max: MAX_JWKS_MAX_STALE_SECONDS,
      fallback: DEFAULT_JWKS_MAX_STALE_SECONDS,
    })
    return { kind: 'jwks', url: secureUrl(input.key('jwksUrl'), jwksUrl), maxStaleSeconds }
  }
  return { kind: 'secret', ref: secret ?? input.key('secret') }
}

/** Algorithms are pinned here, and must suit the key: HS* with a secret, the rest with public keys. */
function readAlgorithms(input: SettingsInput<JwtSettingName>): string[] {
  const key = input.key('algorithms')
  const algorithms = stringList(key, input.value('algorithms'))
  if (algorithms.length === 0) throw new ConfigError(key, 'is required, e.g. ["HS256"]')
  const kind = jwtKeyKind(input)
  const suitable: readonly string[] = kind === 'secret' ? SYMMETRIC_ALGORITHMS : ASYMMETRIC_ALGORITHMS
  for (const [index, alg] of algorithms.entries()) {
    if (!suitable.includes(alg)) {
      throw new ConfigError(
        `${key}[${index}]`,
        `"${alg}" cannot be verified with ${kind === 'secret' ? input.key('secret') : 'a public key'}; use one of ${suitable.join(', ')}`,
      )
    }
  }
  return algorithms
}

/** `null` when absent (no audience check); an empty list is a mistake, not "off". */
function readAudience(input: SettingsInput<JwtSettingName>): string[] | null {
  const value = input.value('audience')
  if (value === undefined || value === null) return null
  const key = input.key('audience')
  const audience = stringList(key, value)
  if (audience.length === 0) throw new ConfigError(key, 'lists no audience: name at least one, or remove the var')
  return audience
}
