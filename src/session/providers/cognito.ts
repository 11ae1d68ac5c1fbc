/**
 * @module Amazon Cognito sessions as Amplify JS v6 keeps them in cookies (its cookie storage
 * and SSR adapters): `CognitoIdentityServiceProvider.<clientId>.LastAuthUser` names the
 * user, whose tokens are `….<clientId>.<username>.idToken` and `.accessToken`.
 *
 * The ID token is preferred (it carries the profile: `email`, `cognito:username`,
 * `custom:*`); without the openid scope there is none, and the access token serves. RS256
 * against the pool's JWKS, `iss` the pool; ID token: `token_use = id`, `aud = clientId`;
 * access token: `token_use = access`, `client_id = clientId`. The tokens must name the user
 * `LastAuthUser` names, and when both are sent, both are verified and must share a subject.
 * Names are built with Amplify's own cookie-name encoding and compared as sent. Expired means
 * expired, even though Amplify refreshes in the browser: the widget asks again after the refresh.
 */
import { requiredMatching, requiredString } from '../../config/values.ts'
import { TokenServiceError } from '../../errors.ts'
import { type CookieCopy, type CookieJar, jsCookieName } from '../cookies.ts'
import { type JwtSettings, jwtVerifier } from '../jwt-settings.ts'
import { type SessionRecipe, sourceFromOptions } from '../recipe.ts'
import { eachCookie, type Identity, oneVisitor, type SessionSource } from '../source.ts'
import { type SessionClaims, type SessionConfig, verifySessionCookie } from '../verify.ts'
import { PROVIDER_JWT_VARS, type ProviderJwtOptions, readProviderJwt } from './jwt-provider.ts'

export interface CognitoOptions extends ProviderJwtOptions {
  /** The user pool id, `<region>_<id>`. */
  userPoolId: string
  /** The app client id (the ID token's `aud`, the access token's `client_id`). */
  clientId: string
}

const VARS = { userPoolId: 'COGNITO_USER_POOL_ID', clientId: 'COGNITO_CLIENT_ID', ...PROVIDER_JWT_VARS } as const

export interface CognitoSettings {
  userPoolId: string
  clientId: string
  jwt: JwtSettings
}

/** `us-east-1_AbCdEf123`: the region, then the pool's id. */
export const USER_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d)_[A-Za-z0-9]+$/

/** The pool's issuer; its keys are at `<issuer>/.well-known/jwks.json`. */
export function cognitoIssuer(userPoolId: string): string {
  const region = USER_POOL_ID.exec(userPoolId)?.[1] ?? 'us-east-1'
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`
}

export const COGNITO: SessionRecipe<keyof typeof VARS, CognitoSettings> = {
  name: 'cognito',
  vars: VARS,
  secrets: () => ({ needed: [], optional: [] }),
  read(input, problems) {
    const ids = problems.fields({
      userPoolId: () =>
        requiredMatching(
          input.key('userPoolId'),
          input.value('userPoolId'),
          USER_POOL_ID,
          'must be a user pool id such as "us-east-1_AbCdEf123"',
        ),
      clientId: () => requiredString(input.key('clientId'), input.value('clientId')),
    })
    if (!ids) return undefined
    const issuer = cognitoIssuer(ids.userPoolId)
    const jwt = readProviderJwt(input, problems, {
      algorithms: ['RS256'],
      issuer,
      jwksUrl: `${issuer}/.well-known/jwks.json`,
    })
    return jwt && { ...ids, jwt }
  },
  create: (settings) => cognitoSource(settings),
}

/** Amazon Cognito sessions as Amplify JS v6 keeps them: options checked now, every mistake at once. */
export function cognito(options: CognitoOptions): SessionSource {
  return sourceFromOptions(COGNITO, options, 'cognito')
}

function cognitoSource(config: CognitoSettings): SessionSource {
  const prefix = `CognitoIdentityServiceProvider.${config.clientId}`
  const verifier = jwtVerifier(config.jwt)
  return {
    kind: 'cognito',
    settings: config,
    async identify(context) {
      const session = await verifier(context.env, context.cacheScope)
      const { cookies } = context
      // Each LastAuthUser copy names a user, whose tokens are the copy; the copies rule compares them.
      const copies = eachCookie(cookies.copies(`${prefix}.LastAuthUser`), (user) => userSession(user, cookies, session))
      return oneVisitor(copies, context, 'cognito_signed_out')
    },
  }

  async function userSession(user: string, cookies: CookieJar, session: SessionConfig): Promise<Identity> {
    const names = `${prefix}.${jsCookieName(user)}`
    const idToken = onlyCopy(cookies.copies(`${names}.idToken`))
    const accessToken = onlyCopy(cookies.copies(`${names}.accessToken`))
    if (idToken === undefined && accessToken === undefined) return { kind: 'anonymous', why: 'cognito_no_tokens' }
    const [id, access] = await Promise.all([
      idToken === undefined ? undefined : verifySessionCookie(idToken, session),
      accessToken === undefined ? undefined : verifySessionCookie(accessToken, session),
    ])
    if (id) {
      expectClaim(id.token_use === 'id' && id.aud === config.clientId, 'cognito_id_token_for_another_client')
      expectClaim(namesUser(user, id, ID_TOKEN_NAMES), 'cognito_id_token_for_another_user')
    }
    if (access) {
      const ok = access.token_use === 'access' && access.client_id === config.clientId
      expectClaim(ok, 'cognito_access_token_for_another_client')
      // Both present: one session, so one subject (a planted ID token beside the visitor's access token).
      if (id) expectClaim(id.sub === access.sub, 'cognito_tokens_for_different_users')
      else expectClaim(namesUser(user, access, ACCESS_TOKEN_NAMES), 'cognito_access_token_for_another_user')
    }
    return { kind: 'visitor', claims: (id ?? access) as SessionClaims }
  }
}

/**
 * The claims a token names its user by: Amplify keeps in `LastAuthUser` the username Cognito
 * answered with (SRP flows: `USER_ID_FOR_SRP`, the `cognito:username`), or the name typed at
 * sign-in (`USER_PASSWORD_AUTH` with an alias: the email, phone number or preferred username).
 * An access token names only the username and subject, so an alias sign-in needs the ID token
 * (the `openid` scope, Amplify's default).
 */
const ID_TOKEN_NAMES = ['cognito:username', 'sub', 'email', 'phone_number', 'preferred_username']
const ACCESS_TOKEN_NAMES = ['username', 'sub']

function namesUser(user: string, claims: SessionClaims, names: readonly string[]): boolean {
  return names.some((name) => claims[name] === user)
}

/** One copy of a token cookie, or none; two mean one was planted, and which is the visitor's cannot be told. */
function onlyCopy(copies: readonly CookieCopy[]): string | undefined {
  if (copies.length > 1) throw new TokenServiceError('SESSION_AMBIGUOUS', 'cognito_token_sent_twice')
  const [copy] = copies
  if (copy && 'refused' in copy) throw copy.refused
  return copy?.value
}

function expectClaim(ok: boolean, reason: string): void {
  if (!ok) throw new TokenServiceError('SESSION_INVALID', reason)
}
