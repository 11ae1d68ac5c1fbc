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
import { ConfigProblems } from './problems'
import { readClockTolerance, readSessionConfig } from './session'
import { optionalBoolean, optionalString, requiredString, stringList } from './values'

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
  cacheScope: string,
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
    const provider = readAuthJs(name, env, problems, secretsGiven)
    return provider && { provider }
  }
  const provider = await readProvider(name, env, problems)
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
  const session = await readSessionConfig(implied, problems, secretsGiven, cacheScope)
  return session && { provider, session }
}

type JwtProvider = CognitoConfig | SupabaseConfig | ClerkConfig | FirebaseConfig

/** The provider's settings, every mistake among them recorded. */
async function readProvider(
  name: string,
  env: Record<string, unknown>,
  problems: ConfigProblems,
): Promise<JwtProvider | undefined> {
  switch (name) {
    case 'clerk':
      return readClerk(env, problems)
    case 'supabase':
      return problems.read(() => readSupabase(env))
    case 'firebase':
      return problems.read(() => readFirebase(env))
    default:
      return readCognito(env, problems)
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

async function readClerk(env: Record<string, unknown>, problems: ConfigProblems): Promise<ClerkConfig | undefined> {
  const settings = problems.fields({
    publishableKey: () => {
      const publishableKey = requiredString('CLERK_PUBLISHABLE_KEY', env.CLERK_PUBLISHABLE_KEY)
      if (!frontendApiOf(publishableKey))
        throw new ConfigError('CLERK_PUBLISHABLE_KEY', "must be the app's publishable key, pk_test_… or pk_live_…")
      return publishableKey
    },
    authorizedParties: () => {
      const parties = stringList('CLERK_AUTHORIZED_PARTIES', env.CLERK_AUTHORIZED_PARTIES)
      if (parties.length === 0) {
        throw new ConfigError(
          'CLERK_AUTHORIZED_PARTIES',
          'must list the origins of your site (the tokens\' azp), e.g. ["https://www.example.com"]',
        )
      }
      return parties
    },
    // Clerk's own option, `treatPendingAsSignedOut`, defaults to true.
    acceptPending: () =>
      !optionalBoolean('CLERK_TREAT_PENDING_AS_SIGNED_OUT', env.CLERK_TREAT_PENDING_AS_SIGNED_OUT, true),
  })
  if (!settings) return undefined
  const { publishableKey, authorizedParties, acceptPending } = settings
  return {
    provider: 'clerk',
    frontendApi: frontendApiOf(publishableKey) as string,
    cookieSuffix: await clerkCookieSuffix(publishableKey),
    authorizedParties,
    acceptPending,
  }
}

function readSupabase(env: Record<string, unknown>): SupabaseConfig {
  const projectRef = requiredString('SUPABASE_PROJECT_REF', env.SUPABASE_PROJECT_REF)
  if (!PROJECT_REF.test(projectRef)) {
    throw new ConfigError('SUPABASE_PROJECT_REF', 'must be the 20-letter project ref of https://<ref>.supabase.co')
  }
  return { provider: 'supabase', projectRef }
}

function readCognito(env: Record<string, unknown>, problems: ConfigProblems): CognitoConfig | undefined {
  return problems.fields({
    provider: () => 'cognito' as const,
    userPoolId: () => {
      const userPoolId = requiredString('COGNITO_USER_POOL_ID', env.COGNITO_USER_POOL_ID)
      if (!USER_POOL_ID.test(userPoolId)) {
        throw new ConfigError('COGNITO_USER_POOL_ID', 'must be a user pool id such as "us-east-1_AbCdEf123"')
      }
      return userPoolId
    },
    clientId: () => requiredString('COGNITO_CLIENT_ID', env.COGNITO_CLIENT_ID),
  })
}

function readAuthJs(
  name: 'authjs' | 'nextauth-v4',
  env: Record<string, unknown>,
  problems: ConfigProblems,
  secretsGiven: boolean,
): AuthJsConfig | undefined {
  const before = problems.found.length
  for (const setting of ['SESSION_JWKS_URL', 'SESSION_ISSUER', 'SESSION_JWKS_MAX_STALE_SECONDS']) {
    if (env[setting] !== undefined) {
      problems.add(setting, `does not apply to SESSION_PROVIDER "${name}" (its sessions are encrypted with a secret)`)
    }
  }
  const config = problems.fields<AuthJsConfig>({
    provider: () => name,
    secrets: () => (secretsGiven ? readAuthJsSecrets(name, env) : []),
    cookieNames: () => {
      const cookie = optionalString('SESSION_COOKIE', env.SESSION_COOKIE)
      return cookie ? [cookie] : name === 'authjs' ? AUTHJS_COOKIES : NEXTAUTH_V4_COOKIES
    },
    clockToleranceSeconds: () => readClockTolerance(env),
  })
  return problems.found.length === before ? config : undefined
}

function readAuthJsSecrets(name: 'authjs' | 'nextauth-v4', env: Record<string, unknown>): string[] {
  if (name === 'nextauth-v4') return [requiredString('NEXTAUTH_SECRET', env.NEXTAUTH_SECRET)]
  // As Auth.js orders them: AUTH_SECRET_3, _2, _1, then AUTH_SECRET.
  const problems = new ConfigProblems()
  const secrets: string[] = []
  for (const key of ['AUTH_SECRET_3', 'AUTH_SECRET_2', 'AUTH_SECRET_1', 'AUTH_SECRET']) {
    const secret = problems.read(() => optionalString(key, env[key]))
    if (secret !== undefined) secrets.push(secret)
  }
  problems.throwIfAny()
  if (secrets.length === 0) throw new ConfigError('AUTH_SECRET', 'is required with SESSION_PROVIDER "authjs"')
  return secrets
}
