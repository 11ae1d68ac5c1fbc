import { describe, expect, it } from 'vitest'
import { readConfig } from '../../src/config'
import { InvalidConfigError } from '../../src/errors'
import { BASE, demoEnv, errorCode, fetchWithEnv, providerFixtures, WITHOUT_DEMO_JWT, widgetToken } from './helpers'

/**
 * Amazon Cognito sessions as Amplify JS v6 writes them: the cookies come from `aws-amplify`
 * itself (test/support/amplify-cookies.ts), the tokens' keys from a loopback JWKS.
 */
const cognito = await providerFixtures('cognito')

/** The README's worked Cognito configuration, with the key set on loopback. */
const COGNITO_ENV = {
  SESSION_PROVIDER: 'cognito',
  COGNITO_USER_POOL_ID: cognito.userPoolId,
  COGNITO_CLIENT_ID: cognito.clientId,
  SESSION_JWKS_URL: cognito.jwksUrl,
  ...WITHOUT_DEMO_JWT,
  CONTACT_MAPPING: [
    { to: 'attributes.memberId', claim: 'sub', required: true },
    { to: 'attributes.email', claim: 'email' },
    { to: 'attributes.username', claim: ['cognito:username'] },
    { to: 'attributes.tier', claim: ['custom:tier'] },
  ],
}

/** Amplify's cookies as the browser sends them, with `edit` applied by cookie-name suffix. */
function amplifyRequest(edit: Record<string, string | null> = {}): Request {
  const pairs = Object.entries(cognito.amplifyCookies).flatMap(([name, value]) => {
    const suffix = Object.keys(edit).find((end) => name.endsWith(end))
    if (suffix === undefined) return [`${name}=${value}`]
    return edit[suffix] === null ? [] : [`${name}=${edit[suffix]}`]
  })
  return new Request(`${BASE}/token`, { headers: { Cookie: pairs.join('; ') } })
}

describe('Cognito (Amplify JS v6 cookie storage)', () => {
  it("Should name Amplify's cookies as the README says", () => {
    expect(Object.keys(cognito.amplifyCookies)).toEqual(
      expect.arrayContaining([
        `CognitoIdentityServiceProvider.${cognito.clientId}.LastAuthUser`,
        `CognitoIdentityServiceProvider.${cognito.clientId}.jane%40example.com.idToken`,
        `CognitoIdentityServiceProvider.${cognito.clientId}.jane%40example.com.accessToken`,
      ]),
    )
  })

  it("Should map the ID token's claims, cognito:username and custom attributes included", async () => {
    const response = await fetchWithEnv(amplifyRequest(), COGNITO_ENV)
    expect(response.status).toBe(200)
    expect((await widgetToken(response)).claims.attributes).toEqual({
      memberId: 'cognito-sub-1',
      email: 'jane@example.com',
      username: 'jane@example.com',
      tier: 'gold',
    })
  })

  it('Should fall back to the access token when there is no ID token (no openid scope)', async () => {
    const response = await fetchWithEnv(amplifyRequest({ '.idToken': null }), COGNITO_ENV)
    expect((await widgetToken(response)).claims.attributes).toEqual({ memberId: 'cognito-sub-1' })
  })

  it.each([
    ['an expired ID token', { '.idToken': cognito.tokens.expiredIdToken }, 'SESSION_EXPIRED'],
    ['an ID token of another app client', { '.idToken': cognito.tokens.otherClientIdToken }, 'SESSION_INVALID'],
    ['an ID token of another pool', { '.idToken': cognito.tokens.otherPoolIdToken }, 'SESSION_INVALID'],
    ['an access token where the ID token belongs', { '.idToken': cognito.tokens.accessToken }, 'SESSION_INVALID'],
    [
      'an ID token where the access token belongs',
      { '.idToken': null, '.accessToken': cognito.tokens.idToken },
      'SESSION_INVALID',
    ],
  ])('Should refuse %s with 401', async (_, edit, code) => {
    const response = await fetchWithEnv(amplifyRequest(edit), COGNITO_ENV)
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe(code)
  })

  it('Should treat a visitor without LastAuthUser as signed out', async () => {
    const response = await fetchWithEnv(amplifyRequest({ '.LastAuthUser': null }), COGNITO_ENV)
    expect(await errorCode(response)).toBe('SESSION_MISSING')
  })

  it('Should refuse a configuration that is not a Cognito pool, or that pins what the provider decides', async () => {
    const keys = async (overrides: Record<string, unknown>) => {
      const error = await readConfig({ ...demoEnv(), ...COGNITO_ENV, ...overrides }).catch((e: unknown) => e)
      return error instanceof InvalidConfigError ? error.keys : []
    }
    expect(await keys({})).toEqual([])
    expect(await keys({ COGNITO_USER_POOL_ID: 'TestPool1' })).toEqual(['COGNITO_USER_POOL_ID'])
    expect(await keys({ SESSION_ALGORITHMS: ['HS256'] })).toEqual(['SESSION_ALGORITHMS'])
    expect(await keys({ COGNITO_CLIENT_ID: undefined })).toEqual(['COGNITO_CLIENT_ID'])
    // Issue 14, finding 8: both missing used to report the pool only, the client on the next run.
    expect(await keys({ COGNITO_USER_POOL_ID: undefined, COGNITO_CLIENT_ID: undefined })).toEqual([
      'COGNITO_USER_POOL_ID',
      'COGNITO_CLIENT_ID',
    ])
  })
})
