/**
 * @module Amazon Cognito sessions as Amplify JS v6 keeps them in cookies (its cookie storage
 * and SSR adapters): `CognitoIdentityServiceProvider.<clientId>.LastAuthUser` names the
 * user, whose tokens are `….<clientId>.<username>.idToken` and `.accessToken`.
 *
 * The ID token is preferred (it carries the profile: `email`, `cognito:username`,
 * `custom:*`); without the openid scope there is none, and the access token serves. RS256
 * against the pool's JWKS, `iss` the pool; ID token: `token_use = id`, `aud = clientId`;
 * access token: `token_use = access`, `client_id = clientId`. Expired means expired, even
 * though Amplify refreshes in the browser: the widget asks again after the refresh.
 */
import { TokenServiceError } from '../../errors'
import { onlyCookie } from '../cookies'
import type { Identity } from '../source'
import { type SessionConfig, verifySessionCookie } from '../verify'

export interface CognitoConfig {
  provider: 'cognito'
  userPoolId: string
  clientId: string
}

/** `us-east-1_AbCdEf123`: the region, then the pool's id. */
export const USER_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d)_[A-Za-z0-9]+$/

/** The pool's issuer; its keys are at `<issuer>/.well-known/jwks.json`. */
export function cognitoIssuer(userPoolId: string): string {
  const region = USER_POOL_ID.exec(userPoolId)?.[1] ?? 'us-east-1'
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`
}

export function cognitoSource(config: CognitoConfig, session: SessionConfig) {
  const prefix = `CognitoIdentityServiceProvider.${config.clientId}`
  return async function identifyCognitoUser(request: Request): Promise<Identity> {
    const header = request.headers.get('Cookie') ?? undefined
    const user = onlyCookie(header, `${prefix}.LastAuthUser`)
    if (user === undefined) return { kind: 'anonymous', why: 'cognito_signed_out' }
    const idToken = onlyCookie(header, `${prefix}.${user}.idToken`)
    const accessToken = onlyCookie(header, `${prefix}.${user}.accessToken`)
    if (idToken !== undefined) {
      const claims = await verifySessionCookie(idToken, session)
      expectClaim(claims.token_use === 'id' && claims.aud === config.clientId, 'cognito_id_token_for_another_client')
      return { kind: 'visitor', claims }
    }
    if (accessToken !== undefined) {
      const claims = await verifySessionCookie(accessToken, session)
      const ok = claims.token_use === 'access' && claims.client_id === config.clientId
      expectClaim(ok, 'cognito_access_token_for_another_client')
      return { kind: 'visitor', claims }
    }
    return { kind: 'anonymous', why: 'cognito_no_tokens' }
  }
}

function expectClaim(ok: boolean, reason: string): void {
  if (!ok) throw new TokenServiceError('SESSION_INVALID', reason)
}
