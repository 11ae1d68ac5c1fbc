/**
 * @module What JWT identity providers share: the verification a provider implies (its
 * algorithms and audience decided, its issuer and key set defaulted from its own settings),
 * with the JWT settings a deployment may still set (a JWKS URL or issuer on loopback in tests,
 * private deployments; the clock checks; how long stale keys serve).
 */
import { type SettingsInput, withSettings } from '../../config/input.ts'
import type { ConfigProblems } from '../../config/problems.ts'
import { jwksSpec } from '../jwks.ts'
import {
  JWT_VARS,
  type JwtSettingName,
  type JwtSettings,
  type KeySpecMakers,
  readJwtSettings,
} from '../jwt-settings.ts'

/** The JWT settings every JWT provider takes, and their vars. */
export const PROVIDER_JWT_VARS = {
  issuer: JWT_VARS.issuer,
  jwksUrl: JWT_VARS.jwksUrl,
  jwksMaxStaleSeconds: JWT_VARS.jwksMaxStaleSeconds,
  clockToleranceSeconds: JWT_VARS.clockToleranceSeconds,
  maxAgeSeconds: JWT_VARS.maxAgeSeconds,
} as const

export interface ProviderJwtOptions {
  /** Overrides the provider's own key set (a stand-in on loopback, a private deployment). */
  jwksUrl?: string
  /** Overrides the provider's own issuer. */
  issuer?: string
  jwksMaxStaleSeconds?: number
  clockToleranceSeconds?: number
  maxAgeSeconds?: number
}

export interface ImpliedJwt {
  algorithms: string[]
  issuer: string
  /** The provider's key set; absent when the keys are a secret or a public key instead. */
  jwksUrl?: string
  audience?: string[]
  /** JWT settings read under the provider's own names (Supabase's `jwtSecret` as `secret`). */
  aliases?: Partial<Record<JwtSettingName, string>>
  /** What turns a public key's text into a spec, for a provider that takes one (Clerk). */
  publicKey?: KeySpecMakers['publicKey']
}

/** The JWT verification the provider implies, with what the user set on top; every mistake recorded. */
export function readProviderJwt(
  input: SettingsInput<string>,
  problems: ConfigProblems,
  implied: ImpliedJwt,
): JwtSettings | undefined {
  const jwt = withSettings<JwtSettingName>(input, {
    decided: { algorithms: implied.algorithms, audience: implied.audience },
    defaults: { issuer: implied.issuer, ...(implied.jwksUrl !== undefined && { jwksUrl: implied.jwksUrl }) },
    aliases: implied.aliases,
  })
  return readJwtSettings(jwt, problems, { jwks: jwksSpec, publicKey: implied.publicKey })
}
