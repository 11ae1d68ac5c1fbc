/**
 * @module Vars → an identity provider's sessions, read as the provider keeps them
 * (`SESSION_PROVIDER`). Each provider implies its keys and issuer; `SESSION_JWKS_URL` and
 * `SESSION_ISSUER` override them (private deployments, tests on loopback), and the JWT
 * checks (`SESSION_CLOCK_TOLERANCE_SECONDS`, `SESSION_MAX_AGE_SECONDS`, stale keys) apply.
 */
import { ConfigError } from '../errors'
import { AUTHJS_COOKIES, type AuthJsConfig, NEXTAUTH_V4_COOKIES } from '../session/providers/authjs'
import { type ClerkConfig, clerkCookieSuffix, frontendApiOf } from '../session/providers/clerk'
import { type CognitoConfig, cognitoIssuer, USER_POOL_ID } from '../session/providers/cognito'
import {
  FIREBASE_SESSION_KEYS_URL,
  type FirebaseConfig,
  firebaseIssuer,
  PROJECT_ID,
} from '../session/providers/firebase'
import { PROJECT_REF, type SupabaseConfig, supabaseIssuer } from '../session/providers/supabase'
import type { SessionConfig } from '../session/verify'
import type { ConfigProblems } from './problems'
import { readClockTolerance, readSessionConfig } from './session'
import { optionalString, requiredString, stringList } from './values'

export type ProviderConfig = CognitoConfig | AuthJsConfig | SupabaseConfig | ClerkConfig | FirebaseConfig

const PROVIDERS = ['cognito', 'authjs', 'nextauth-v4', 'supabase', 'clerk', 'firebase'] as const

/** The secrets a provider needs, by name. */
export function providerSecretNames(env: Record<string, unknown>): string[] {
  if (env.SESSION_PROVIDER === 'authjs') return ['AUTH_SECRET']
  if (env.SESSION_PROVIDER === 'nextauth-v4') return ['NEXTAUTH_SECRET']
  return []
}

/** The secrets a provider reads when they are set: a rotation's older secrets, Supabase's legacy one. */
export function providerOptionalSecretNames(env: Record<string, unknown>): string[] {
  if (env.SESSION_PROVIDER === 'authjs') return ['AUTH_SECRET_1', 'AUTH_SECRET_2', 'AUTH_SECRET_3']
  if (env.SESSION_PROVIDER === 'supabase') return ['SUPABASE_JWT_SECRET']
  return []
}

/** JWT settings a provider decides itself: set by hand, they would be ignored or contradict it. */
export const PROVIDER_DECIDES = ['SESSION_ALGORITHMS', 'SESSION_PUBLIC_KEY', 'SESSION_AUDIENCE']

/** The provider's own settings, and the JWT verification it implies. */
export async function readProviderConfig(
  env: Record<string, unknown>,
  problems: ConfigProblems,
  secretsGiven: boolean,
): Promise<{ provider: ProviderConfig; session?: SessionConfig } | undefined> {
  const name = problems.read(() => requiredString('SESSION_PROVIDER', env.SESSION_PROVIDER))
  if (name === undefined) return undefined
  if (!(PROVIDERS as readonly string[]).includes(name)) {
    problems.add('SESSION_PROVIDER', `must be one of ${PROVIDERS.join(', ')}, got "${name}"`)
    return undefined
  }
  for (const setting of PROVIDER_DECIDES) {
    // Clerk offers its key as a PEM ("JWT public key") besides its JWKS.
    if (name === 'clerk' && setting === 'SESSION_PUBLIC_KEY') continue
    if (env[setting] !== undefined) problems.add(setting, `is decided by SESSION_PROVIDER "${name}": remove it`)
  }
  if (name === 'authjs' || name === 'nextauth-v4') {
    const provider = problems.read(() => readAuthJs(name, env, secretsGiven))
    return provider && { provider }
  }
  const provider = await problems.readAsync(() => readProvider(name, env))
  if (!provider) return undefined
  const issuer = issuerOf(provider)
  // Supabase's legacy JWT secret signs HS256; otherwise the project's keys, as Cognito's.
  const legacySecret = provider.provider === 'supabase' && env.SUPABASE_JWT_SECRET !== undefined
  const implied = {
    ...env,
    SESSION_SECRET: legacySecret ? env.SUPABASE_JWT_SECRET : undefined,
    SESSION_ALGORITHMS: legacySecret ? ['HS256'] : provider.provider === 'supabase' ? ['ES256', 'RS256'] : ['RS256'],
    SESSION_ISSUER: env.SESSION_ISSUER ?? issuer,
    SESSION_JWKS_URL:
      legacySecret || env.SESSION_PUBLIC_KEY !== undefined ? undefined : (env.SESSION_JWKS_URL ?? keysUrlOf(provider)),
    SESSION_AUDIENCE: audienceOf(provider),
  }
  const session = await readSessionConfig(implied, problems, secretsGiven)
  return session && { provider, session }
}

type JwtProvider = CognitoConfig | SupabaseConfig | ClerkConfig | FirebaseConfig

async function readProvider(name: string, env: Record<string, unknown>): Promise<JwtProvider> {
  switch (name) {
    case 'clerk':
      return readClerk(env)
    case 'supabase':
      return readSupabase(env)
    case 'firebase':
      return readFirebase(env)
    default:
      return readCognito(env)
  }
}

function keysUrlOf(provider: JwtProvider): string {
  return provider.provider === 'firebase' ? FIREBASE_SESSION_KEYS_URL : `${issuerOf(provider)}/.well-known/jwks.json`
}

function audienceOf(provider: JwtProvider): string[] | undefined {
  if (provider.provider === 'supabase') return ['authenticated']
  if (provider.provider === 'firebase') return [provider.projectId]
  return undefined
}

function readFirebase(env: Record<string, unknown>): FirebaseConfig {
  const projectId = requiredString('FIREBASE_PROJECT_ID', env.FIREBASE_PROJECT_ID)
  if (!PROJECT_ID.test(projectId))
    throw new ConfigError('FIREBASE_PROJECT_ID', 'must be a Firebase project id such as "my-app-1234"')
  return { provider: 'firebase', projectId }
}

function issuerOf(provider: JwtProvider): string {
  switch (provider.provider) {
    case 'firebase':
      return firebaseIssuer(provider.projectId)
    case 'cognito':
      return cognitoIssuer(provider.userPoolId)
    case 'supabase':
      return supabaseIssuer(provider.projectRef)
    case 'clerk':
      return `https://${provider.frontendApi}`
  }
}

async function readClerk(env: Record<string, unknown>): Promise<ClerkConfig> {
  const publishableKey = requiredString('CLERK_PUBLISHABLE_KEY', env.CLERK_PUBLISHABLE_KEY)
  const frontendApi = frontendApiOf(publishableKey)
  if (!frontendApi)
    throw new ConfigError('CLERK_PUBLISHABLE_KEY', "must be the app's publishable key, pk_test_… or pk_live_…")
  const authorizedParties = stringList('CLERK_AUTHORIZED_PARTIES', env.CLERK_AUTHORIZED_PARTIES)
  if (authorizedParties.length === 0) {
    throw new ConfigError(
      'CLERK_AUTHORIZED_PARTIES',
      'must list the origins of your site (the tokens\' azp), e.g. ["https://www.example.com"]',
    )
  }
  return { provider: 'clerk', frontendApi, cookieSuffix: await clerkCookieSuffix(publishableKey), authorizedParties }
}

function readSupabase(env: Record<string, unknown>): SupabaseConfig {
  const projectRef = requiredString('SUPABASE_PROJECT_REF', env.SUPABASE_PROJECT_REF)
  if (!PROJECT_REF.test(projectRef)) {
    throw new ConfigError('SUPABASE_PROJECT_REF', 'must be the 20-letter project ref of https://<ref>.supabase.co')
  }
  return { provider: 'supabase', projectRef }
}

function readCognito(env: Record<string, unknown>): CognitoConfig {
  const userPoolId = requiredString('COGNITO_USER_POOL_ID', env.COGNITO_USER_POOL_ID)
  if (!USER_POOL_ID.test(userPoolId)) {
    throw new ConfigError('COGNITO_USER_POOL_ID', 'must be a user pool id such as "us-east-1_AbCdEf123"')
  }
  return { provider: 'cognito', userPoolId, clientId: requiredString('COGNITO_CLIENT_ID', env.COGNITO_CLIENT_ID) }
}

function readAuthJs(name: 'authjs' | 'nextauth-v4', env: Record<string, unknown>, secretsGiven: boolean): AuthJsConfig {
  for (const setting of ['SESSION_JWKS_URL', 'SESSION_ISSUER', 'SESSION_JWKS_MAX_STALE_SECONDS']) {
    if (env[setting] !== undefined)
      throw new ConfigError(
        setting,
        `does not apply to SESSION_PROVIDER "${name}" (its sessions are encrypted with a secret)`,
      )
  }
  const secrets: string[] = []
  if (secretsGiven && name === 'authjs') {
    // As Auth.js orders them: AUTH_SECRET_3, _2, _1, then AUTH_SECRET.
    for (const key of ['AUTH_SECRET_3', 'AUTH_SECRET_2', 'AUTH_SECRET_1', 'AUTH_SECRET']) {
      const secret = optionalString(key, env[key])
      if (secret !== undefined) secrets.push(secret)
    }
    if (secrets.length === 0) throw new ConfigError('AUTH_SECRET', 'is required with SESSION_PROVIDER "authjs"')
  }
  if (secretsGiven && name === 'nextauth-v4') secrets.push(requiredString('NEXTAUTH_SECRET', env.NEXTAUTH_SECRET))
  const cookie = optionalString('SESSION_COOKIE', env.SESSION_COOKIE)
  return {
    provider: name,
    secrets,
    cookieNames: cookie ? [cookie] : name === 'authjs' ? AUTHJS_COOKIES : NEXTAUTH_V4_COOKIES,
    clockToleranceSeconds: readClockTolerance(env),
  }
}
