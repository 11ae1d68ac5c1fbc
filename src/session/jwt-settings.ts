/**
 * @module How a JWT session is verified, for the JWT cookie and every JWT identity provider:
 * the pinned algorithms, where the keys come from (a shared secret, or a key spec: a public key,
 * a JWKS), and the issuer, audience and clock checks. Read by the one validator from vars or
 * options; a secret is read from the request's env, and keys are kept per isolate.
 *
 * Vars name a public key or a JWKS by text (`SESSION_PUBLIC_KEY`, `SESSION_JWKS_URL`), which
 * the caller turns into specs (`KeySpecMakers`); options hold the spec itself
 * (`keys: jwks(url)`), so that an app using a secret bundles no key parsing nor fetching.
 */
import { requireSecret, type SecretRef, type SettingsInput, secretName, secretRef } from '../config/input.ts'
import type { ConfigProblems } from '../config/problems.ts'
import { integerInRange, optionalInteger, optionalString, stringList } from '../config/values.ts'
import {
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  MAX_CLOCK_TOLERANCE_SECONDS,
  MAX_SESSION_MAX_AGE_SECONDS,
} from '../constants.ts'
import { ConfigError, configInvalid } from '../errors.ts'
import {
  ASYMMETRIC_ALGORITHMS,
  hmacKeys,
  isKeySpec,
  type KeySpec,
  type SessionKeys,
  SYMMETRIC_ALGORITHMS,
} from './keys.ts'
import type { SessionConfig } from './verify.ts'

/** JWT verification's vars (the standalone Worker): a public key and a JWKS by text. */
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

/** JWT verification's options (a library user): the keys as a spec. */
export const JWT_OPTIONS = [
  'algorithms',
  'secret',
  'keys',
  'issuer',
  'audience',
  'clockToleranceSeconds',
  'maxAgeSeconds',
]

export type JwtSettingName = keyof typeof JWT_VARS | 'keys'

export interface JwtOptions {
  /** Pinned: the token's own `alg` is only ever checked against this list; `none` never passes. */
  algorithms: string[]
  /** HS256/384/512: the shared secret (a binding name, or a function of the env). */
  secret?: SecretRef
  /** Otherwise the keys: `publicKey(pem)` or `jwks(url)`. */
  keys?: KeySpec
  issuer?: string
  audience?: string | string[]
  /** Clock skew allowed on `exp`/`nbf`/`iat` (default 30). */
  clockToleranceSeconds?: number
  /** When set, sessions must carry `iat` and be at most this old. */
  maxAgeSeconds?: number
}

/** What turns vars' text into key specs: the callers that read vars import them. */
export interface KeySpecMakers {
  publicKey?: (key: string, value: unknown) => KeySpec
  jwks?: (url: string, maxStaleSeconds: unknown, names: { url: string; stale: string }) => KeySpec
}

export type JwtKeys = { kind: 'secret'; ref: SecretRef } | { kind: 'spec'; spec: KeySpec; name: string }

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

/** Whether the settings choose a shared secret: no public key, JWKS or spec given. */
export function usesSecret(input: SettingsInput<JwtSettingName>): boolean {
  return ['publicKey', 'jwksUrl', 'keys'].every((name) => input.value(name as JwtSettingName) === undefined)
}

/** Reads every JWT setting, recording each mistake. */
export function readJwtSettings(
  input: SettingsInput<JwtSettingName>,
  problems: ConfigProblems,
  makers: KeySpecMakers = {},
): JwtSettings | undefined {
  const keys = problems.read(() => readKeys(input, makers))
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

/** A configured public key is imported now, so a bad PEM is caught before a request meets it. */
export async function checkJwtKeys(settings: JwtSettings, problems: ConfigProblems): Promise<void> {
  const { keys, algorithms } = settings
  if (keys.kind !== 'spec' || keys.spec.kind !== 'publicKey') return
  await problems.readAsync(async () => {
    try {
      await keys.spec.resolve(algorithms, '')
    } catch (error) {
      throw new ConfigError(keys.name, importProblem(error, algorithms))
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
    const { keys, algorithms } = settings
    const secret = keys.kind === 'secret' ? requireSecret(keys.ref, env) : ''
    const id = `${secret}\n${cacheScope}`
    let found = resolved.get(id)
    if (!found) {
      found = keys.kind === 'secret' ? hmacKeys(secret, algorithms) : keys.spec.resolve(algorithms, cacheScope)
      found.catch(() => resolved.delete(id))
      // A rotated secret replaces the old one: a few entries at most.
      if (resolved.size >= 4) resolved.delete(resolved.keys().next().value as string)
      resolved.set(id, found)
    }
    let sessionKeys: SessionKeys
    try {
      sessionKeys = await found
    } catch (error) {
      const name = keys.kind === 'secret' ? secretName(keys.ref) : keys.name
      throw configInvalid([new ConfigError(name, importProblem(error, algorithms))])
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

function importProblem(error: unknown, algorithms: string[]): string {
  return `cannot be imported for ${algorithms.join(', ')}: ${(error as Error).message}`
}

function readKeys(input: SettingsInput<JwtSettingName>, makers: KeySpecMakers): JwtKeys {
  const secret = secretRef(input, 'secret', { required: false })
  const others = ['publicKey', 'jwksUrl', 'keys'] as const
  const given = [secret, ...others.map((name) => input.value(name))].filter((value) => value !== undefined).length
  // Without the secrets (the check before a deployment) a missing secret cannot be told from one set later.
  const secretsKnown = input.form === 'options' || input.env !== undefined
  if (given > 1 || (given === 0 && secretsKnown)) {
    const keys = input.form === 'options' ? ['keys'] : [input.key('publicKey'), input.key('jwksUrl')]
    const s = input.key('secret')
    throw new ConfigError(s, `set exactly one of ${s} (secret), ${keys.join(' or ')} (${given} set)`)
  }
  return readSpec(input, makers) ?? { kind: 'secret', ref: secret ?? input.key('secret') }
}

/** The keys other than a secret: the option's spec, or vars' text made into one. */
function readSpec(input: SettingsInput<JwtSettingName>, makers: KeySpecMakers): JwtKeys | undefined {
  const given = input.value('keys')
  if (given !== undefined) {
    if (!isKeySpec(given)) throw new ConfigError(input.key('keys'), 'must be publicKey(pem) or jwks(url)')
    return { kind: 'spec', spec: given, name: input.key('keys') }
  }
  const publicKey = input.value('publicKey')
  const jwksUrl = input.value('jwksUrl')
  if (publicKey !== undefined && jwksUrl !== undefined) {
    throw new ConfigError(
      input.key('publicKey'),
      `set only one of ${input.key('publicKey')} or ${input.key('jwksUrl')}`,
    )
  }
  if (publicKey !== undefined && makers.publicKey) {
    return { kind: 'spec', spec: makers.publicKey(input.key('publicKey'), publicKey), name: input.key('publicKey') }
  }
  const url = optionalString(input.key('jwksUrl'), jwksUrl)
  if (url !== undefined && makers.jwks) {
    const names = { url: input.key('jwksUrl'), stale: input.key('jwksMaxStaleSeconds') }
    return { kind: 'spec', spec: makers.jwks(url, input.value('jwksMaxStaleSeconds'), names), name: names.url }
  }
  return undefined
}

/** Algorithms are pinned here, and must suit the key: HS* with a secret, the rest with public keys. */
function readAlgorithms(input: SettingsInput<JwtSettingName>): string[] {
  const key = input.key('algorithms')
  const algorithms = stringList(key, input.value('algorithms'))
  if (algorithms.length === 0) throw new ConfigError(key, 'is required, e.g. ["HS256"]')
  const secret = usesSecret(input)
  const suitable: readonly string[] = secret ? SYMMETRIC_ALGORITHMS : ASYMMETRIC_ALGORITHMS
  for (const [index, alg] of algorithms.entries()) {
    if (!suitable.includes(alg)) {
      throw new ConfigError(
        `${key}[${index}]`,
        `"${alg}" cannot be verified with ${secret ? input.key('secret') : 'a public key'}; use one of ${suitable.join(', ')}`,
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
