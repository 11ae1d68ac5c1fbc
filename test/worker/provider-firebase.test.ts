import { describe, expect, it } from 'vitest'
import { readConfig } from '../../src/config'
import type { InvalidConfigError } from '../../src/errors'
import {
  demoEnv,
  errorCode,
  fetchWithEnv,
  providerFixtures,
  tokenRequest,
  WITHOUT_DEMO_JWT,
  widgetToken,
} from './helpers'

/** Firebase session cookies, verified against X.509 certificates in Google's form. */
const firebase = await providerFixtures('firebase')

const FIREBASE_ENV = {
  SESSION_PROVIDER: 'firebase',
  FIREBASE_PROJECT_ID: firebase.projectId,
  SESSION_JWKS_URL: firebase.keysUrl,
  ...WITHOUT_DEMO_JWT,
  CONTACT_MAPPING: [
    { to: 'attributes.memberId', claim: 'sub', required: true },
    { to: 'attributes.email', claim: 'email' },
    { to: 'attributes.signIn', claim: 'firebase.sign_in_provider' },
  ],
}

describe('Firebase Auth session cookies', () => {
  it('Should verify the cookie against the X.509 certificate map and map its claims', async () => {
    const response = await fetchWithEnv(tokenRequest(firebase.valid), FIREBASE_ENV)
    expect((await widgetToken(response)).claims.attributes).toEqual({
      memberId: 'firebase-uid-1',
      email: 'fay@example.com',
      signIn: 'password',
    })
  })

  it.each([
    ['a cookie of another project', () => firebase.otherProject, 'SESSION_INVALID'],
    ['an expired cookie', () => firebase.expired, 'SESSION_EXPIRED'],
    ['an auth_time ahead of the clock', () => firebase.futureAuthTime, 'SESSION_INVALID'],
  ])('Should refuse %s with 401', async (_, cookie, code) => {
    const response = await fetchWithEnv(tokenRequest(cookie()), FIREBASE_ENV)
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe(code)
  })

  it('Should read the cookie under the name the site gives it', async () => {
    const hosting = { ...FIREBASE_ENV, SESSION_COOKIE: '__session' }
    const request = tokenRequest(undefined, { headers: { Cookie: `__session=${firebase.valid}` } })
    expect((await fetchWithEnv(request, hosting)).status).toBe(200)
  })

  it('Should refuse a project id that is not one', async () => {
    const error = await readConfig({ ...demoEnv(), ...FIREBASE_ENV, FIREBASE_PROJECT_ID: 'My App' }).catch(
      (e: unknown) => e,
    )
    expect((error as InvalidConfigError).keys).toEqual(['FIREBASE_PROJECT_ID'])
  })
})
