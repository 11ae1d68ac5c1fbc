/**
 * @module Cognito test sessions: ID and access tokens signed with the test key, and the
 * cookies Amplify JS v6 itself writes for them (test/support/amplify-cookies.ts).
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { SignJWT } from 'jose'

export const COGNITO = {
  userPoolId: 'us-east-1_TestPool1',
  clientId: 'testclient123',
  issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1',
}

export async function cognitoFixtures(privateKey: CryptoKey) {
  const now = Math.floor(Date.now() / 1000)
  const sign = (claims: Record<string, unknown>, expires = now + 3600) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'cognito-test' })
      .setIssuer(COGNITO.issuer)
      .setIssuedAt(now - 60)
      .setExpirationTime(expires)
      .sign(privateKey)
  const profile = { sub: 'cognito-sub-1', 'cognito:username': 'jane@example.com', email: 'jane@example.com' }
  /** Another user of the pool: the attacker, signed in on their own browser. */
  const mallory = { sub: 'cognito-sub-2', 'cognito:username': 'mallory@example.com', email: 'mallory@example.com' }
  const idClaims = { ...profile, aud: COGNITO.clientId, token_use: 'id', 'custom:tier': 'gold' }
  const accessClaims = {
    sub: profile.sub,
    client_id: COGNITO.clientId,
    token_use: 'access',
    username: 'jane@example.com',
  }
  const tokens = {
    idToken: await sign(idClaims),
    accessToken: await sign(accessClaims),
    expiredIdToken: await sign(idClaims, now - 600),
    otherClientIdToken: await sign({ ...idClaims, aud: 'another-client' }),
    /** Another user's own valid ID token: what a sibling subdomain plants under the visitor's name. */
    otherUserIdToken: await sign({ ...idClaims, ...mallory }),
    otherUserAccessToken: await sign({ ...accessClaims, sub: mallory.sub, username: mallory['cognito:username'] }),
    otherPoolIdToken: await new SignJWT(idClaims)
      .setProtectedHeader({ alg: 'RS256', kid: 'cognito-test' })
      .setIssuer('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool')
      .setExpirationTime(now + 3600)
      .sign(privateKey),
  }
  const [amplifyCookies, malloryAmplifyCookies] = await amplifySignIns([
    { username: 'jane@example.com', idToken: tokens.idToken, accessToken: tokens.accessToken },
    {
      username: mallory['cognito:username'],
      idToken: tokens.otherUserIdToken,
      accessToken: tokens.otherUserAccessToken,
    },
  ])
  return { amplifyCookies, malloryAmplifyCookies, tokens }
}

/** The cookies Amplify writes in each user's browser when they sign in and Cognito answers with their tokens. */
async function amplifySignIns(users: { username: string; idToken: string; accessToken: string }[]) {
  const child = promisify(execFile)(process.execPath, ['test/support/amplify-cookies.ts'], { encoding: 'utf8' })
  child.child.stdin?.end(JSON.stringify({ ...COGNITO, users }))
  return JSON.parse((await child).stdout) as Record<string, string>[]
}
