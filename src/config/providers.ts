/**
 * @module Vars → an identity provider's sessions, read as the provider keeps them
 * (`SESSION_PROVIDER`). Each provider implies its keys and issuer; `SESSION_JWKS_URL` and
 * `SESSION_ISSUER` override them (private deployments, tests on loopback), and the JWT
 * checks (`SESSION_CLOCK_TOLERANCE_SECONDS`, `SESSION_MAX_AGE_SECONDS`, stale keys) apply.
 */
import { ConfigError } from '../errors'
import { type CognitoConfig, cognitoIssuer, USER_POOL_ID } from '../session/providers/cognito'
import type { SessionConfig } from '../session/verify'
import type { ConfigProblems } from './problems'
import { readSessionConfig } from './session'
import { requiredString } from './values'

export type ProviderConfig = CognitoConfig

const PROVIDERS = ['cognito'] as const

/** JWT settings a provider decides itself: set by hand, they would be ignored or contradict it. */
export const PROVIDER_DECIDES = ['SESSION_ALGORITHMS', 'SESSION_PUBLIC_KEY', 'SESSION_AUDIENCE']

/** The provider's own settings, and the JWT verification it implies. */
export async function readProviderConfig(
  env: Record<string, unknown>,
  problems: ConfigProblems,
  secretsGiven: boolean,
): Promise<{ provider: ProviderConfig; session: SessionConfig } | undefined> {
  const name = problems.read(() => requiredString('SESSION_PROVIDER', env.SESSION_PROVIDER))
  if (name === undefined) return undefined
  if (!(PROVIDERS as readonly string[]).includes(name)) {
    problems.add('SESSION_PROVIDER', `must be one of ${PROVIDERS.join(', ')}, got "${name}"`)
    return undefined
  }
  for (const setting of PROVIDER_DECIDES) {
    if (env[setting] !== undefined) problems.add(setting, `is decided by SESSION_PROVIDER "${name}": remove it`)
  }
  const provider = problems.read(() => readCognito(env))
  if (!provider) return undefined
  const issuer = cognitoIssuer(provider.userPoolId)
  const implied = {
    ...env,
    SESSION_SECRET: undefined,
    SESSION_ALGORITHMS: ['RS256'],
    SESSION_ISSUER: env.SESSION_ISSUER ?? issuer,
    SESSION_JWKS_URL: env.SESSION_JWKS_URL ?? `${issuer}/.well-known/jwks.json`,
    SESSION_AUDIENCE: undefined,
  }
  const session = await readSessionConfig(implied, problems, secretsGiven)
  return session && { provider, session }
}

function readCognito(env: Record<string, unknown>): CognitoConfig {
  const userPoolId = requiredString('COGNITO_USER_POOL_ID', env.COGNITO_USER_POOL_ID)
  if (!USER_POOL_ID.test(userPoolId)) {
    throw new ConfigError('COGNITO_USER_POOL_ID', 'must be a user pool id such as "us-east-1_AbCdEf123"')
  }
  return { provider: 'cognito', userPoolId, clientId: requiredString('COGNITO_CLIENT_ID', env.COGNITO_CLIENT_ID) }
}
