import { describe, expect, it } from 'vitest'
import {
  BASE,
  errorCode,
  fetchWithEnv,
  providerFixtures,
  sessionCookie,
  WITHOUT_DEMO_JWT,
  widgetToken,
} from './helpers'
import { introspection, meUrl, siteSession } from './site-support'

/**
 * Issue 15, from the attacker's side: a sibling subdomain plants a cookie of the session's
 * name (`Domain=example.com; Path=/token`, sent first) holding the attacker's own valid session.
 * Whatever the source, copies that would give different tokens are refused, and a copy's
 * position or name spelling never decides who the visitor is. Every registered source's planted
 * copy, first and after, is every-source-copies.test.ts; here, the cases each finding needed.
 */
const withCookie = (cookie: string) => new Request(`${BASE}/token`, { headers: { Cookie: cookie } })
const byId = (claim: string) => ({ CONTACT_MAPPING: [{ to: 'attributes.memberId', claim, required: true }] })

describe('Finding 1: copies are compared by what the token would carry, not by sub', () => {
  it('Should refuse two introspection answers for different visitors, none of them with a sub', async () => {
    const config = introspection(meUrl('/api/id'), byId('id'))
    const [alice, mallory] = [await siteSession('alice'), await siteSession('mallory')]
    const response = await fetchWithEnv(withCookie(`connect.sid=${mallory}; connect.sid=${alice}`), config)
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe('SESSION_AMBIGUOUS')
    const same = await fetchWithEnv(withCookie(`connect.sid=${alice}; connect.sid=${alice}`), config)
    expect((await widgetToken(same)).claims.attributes).toEqual({ memberId: 'member-alice' })
  })

  it('Should refuse two JWT sessions that name their visitor by another claim', async () => {
    const [alice, mallory] = [await sessionCookie({ uid: 'alice' }), await sessionCookie({ uid: 'mallory' })]
    const response = await fetchWithEnv(withCookie(`session=${mallory}; session=${alice}`), byId('uid'))
    expect(await errorCode(response)).toBe('SESSION_AMBIGUOUS')
  })

  it('Should refuse copies of one subject that would carry different attributes', async () => {
    const mapping = { CONTACT_MAPPING: [...byId('sub').CONTACT_MAPPING, { to: 'attributes.tier', claim: 'tier' }] }
    const [mine, planted] = [
      await sessionCookie({ sub: 'member-1', tier: 'standard' }),
      await sessionCookie({ sub: 'member-1', tier: 'platinum' }),
    ]
    const response = await fetchWithEnv(withCookie(`session=${planted}; session=${mine}`), mapping)
    expect(await errorCode(response)).toBe('SESSION_AMBIGUOUS')
  })
})

describe("A planted valid session beside the visitor's expired one (the attacker's try of issue 15)", () => {
  it("Should answer the visitor's own refusal, never the planted identity (JWT)", async () => {
    const expired = await sessionCookie({ sub: 'member-1', name: 'Ann' }, (jwt) => jwt, {
      expires: Math.floor(Date.now() / 1000) - 600,
    })
    const planted = await sessionCookie({ sub: 'mallory', name: 'Mallory' })
    const response = await fetchWithEnv(withCookie(`session=${planted}; session=${expired}`), byId('sub'))
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe('SESSION_EXPIRED')
  })

  it("Should answer the site's signed-out over a planted session (introspection)", async () => {
    const config = introspection(meUrl('/api/id'), byId('id'))
    const mallory = await siteSession('mallory')
    const response = await fetchWithEnv(withCookie(`connect.sid=${mallory}; connect.sid=s%3Aended-session.x`), config)
    expect(await errorCode(response)).toBe('SESSION_MISSING')
  })

  it("Should still take the visitor's session beside a copy that is no session of this site", async () => {
    const forged = await sessionCookie({ sub: 'mallory' }, (jwt) => jwt, {
      secret: 'another-apps-secret-for-its-own-cookie',
    })
    const response = await fetchWithEnv(
      withCookie(`session=${forged}; session=${await sessionCookie({ sub: 'member-1' })}`),
      byId('sub'),
    )
    expect((await widgetToken(response)).claims.attributes).toEqual({ memberId: 'member-1' })
  })
})

describe("Finding 3: a planted whole cookie beside the visitor's chunks", async () => {
  const [authjs, supabase] = [await providerFixtures('authjs'), await providerFixtures('supabase')]
  const AUTHJS = { ...WITHOUT_DEMO_JWT, SESSION_COOKIE: undefined, SESSION_PROVIDER: 'authjs', ...byId('sub') }
  const AUTHJS_ENV = { ...AUTHJS, AUTH_SECRET: authjs.secret }
  const SUPABASE_ENV = {
    SESSION_PROVIDER: 'supabase',
    SUPABASE_PROJECT_REF: supabase.projectRef,
    SESSION_JWKS_URL: supabase.jwksUrl,
    ...WITHOUT_DEMO_JWT,
    SESSION_SECRET: undefined,
    ...byId('sub'),
  }

  it.each([
    ['Auth.js', () => `${authjs.mallory}`, () => authjs.chunked, () => AUTHJS_ENV, 'authjs.session-token='],
    ['Supabase', () => supabase.mallory, () => supabase.chunked, () => SUPABASE_ENV, ''],
  ])('Should refuse it (%s)', async (_, planted, chunks, config, name) => {
    const response = await fetchWithEnv(withCookie(`${name}${planted()}; ${chunks()}`), config())
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe('SESSION_AMBIGUOUS')
  })

  it('Should refuse chunks with a gap, or a chunk sent twice', async () => {
    const chunks = authjs.chunked.split('; ')
    expect(chunks.length).toBeGreaterThan(2)
    const gap = chunks.filter((_, index) => index !== 1).join('; ')
    expect(await errorCode(await fetchWithEnv(withCookie(gap), AUTHJS_ENV))).toBe('SESSION_INVALID')
    const twice = [chunks[0], ...chunks].join('; ')
    expect(await errorCode(await fetchWithEnv(withCookie(twice), AUTHJS_ENV))).toBe('SESSION_AMBIGUOUS')
  })
})

describe('Finding 4: names are compared as sent', async () => {
  const [authjs, firebase] = [await providerFixtures('authjs'), await providerFixtures('firebase')]

  it('Should not read a percent-encoded __Secure- name as the prefixed cookie', async () => {
    const config = { ...WITHOUT_DEMO_JWT, SESSION_COOKIE: undefined, SESSION_PROVIDER: 'authjs', ...byId('sub') }
    const response = await fetchWithEnv(withCookie(`%5F%5FSecure-authjs.session-token=${authjs.secure}`), {
      ...config,
      AUTH_SECRET: authjs.secret,
    })
    expect(await errorCode(response)).toBe('SESSION_MISSING')
  })

  it("Should not let an encoded twin lock the visitor out (Firebase's __session)", async () => {
    const config = {
      SESSION_PROVIDER: 'firebase',
      FIREBASE_PROJECT_ID: firebase.projectId,
      SESSION_JWKS_URL: firebase.keysUrl,
      SESSION_COOKIE: '__session',
      ...WITHOUT_DEMO_JWT,
      ...byId('sub'),
    }
    const cookie = `%5F%5Fsession=${firebase.mallory}; __session=${firebase.valid}`
    const response = await fetchWithEnv(withCookie(cookie), config)
    expect((await widgetToken(response)).claims.attributes).toEqual({ memberId: 'firebase-uid-1' })
  })
})

// Clerk's suffixed pair planted beside the visitor's plain one is a planting of the Clerk case in
// every-source-copies.test.ts, which attacks every registered source.
describe('Finding 5: Cognito copies', async () => {
  const cognito = await providerFixtures('cognito')
  const COGNITO_ENV = {
    SESSION_PROVIDER: 'cognito',
    COGNITO_USER_POOL_ID: cognito.userPoolId,
    COGNITO_CLIENT_ID: cognito.clientId,
    SESSION_JWKS_URL: cognito.jwksUrl,
    ...WITHOUT_DEMO_JWT,
    ...byId('sub'),
  }
  /** Amplify's cookies for the visitor, with some replaced (by name suffix) or removed (null). */
  const amplify = (edit: Record<string, string | null>) =>
    withCookie(
      Object.entries(cognito.amplifyCookies)
        .flatMap(([name, value]) => {
          const suffix = Object.keys(edit).find((end) => name.endsWith(end))
          if (suffix === undefined) return [`${name}=${value}`]
          return edit[suffix] === null ? [] : [`${name}=${edit[suffix]}`]
        })
        .join('; '),
    )

  it("Should refuse another user's ID token planted beside the visitor's access token", async () => {
    const response = await fetchWithEnv(amplify({ '.idToken': cognito.tokens.otherUserIdToken }), COGNITO_ENV)
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe('SESSION_INVALID')
  })

  it('Should refuse an ID token that does not belong to LastAuthUser', async () => {
    const edit = { '.idToken': cognito.tokens.otherUserIdToken, '.accessToken': null }
    expect(await errorCode(await fetchWithEnv(amplify(edit), COGNITO_ENV))).toBe('SESSION_INVALID')
  })
})

describe('Finding 6: Clerk sessions that are not signed in yet', async () => {
  const clerk = await providerFixtures('clerk')
  const CLERK_ENV = {
    SESSION_PROVIDER: 'clerk',
    CLERK_PUBLISHABLE_KEY: clerk.publishableKey,
    CLERK_AUTHORIZED_PARTIES: [clerk.site],
    SESSION_JWKS_URL: clerk.jwksUrl,
    ...WITHOUT_DEMO_JWT,
    ...byId('sub'),
  }
  const clerkCookies = (session: string, uat: string) => withCookie(`__session=${session}; __client_uat=${uat}`)

  it('Should treat a pending session as signed out, as @clerk/backend does, unless configured', async () => {
    const request = () => clerkCookies(clerk.pending, String(clerk.now - 30))
    expect(await errorCode(await fetchWithEnv(request(), CLERK_ENV))).toBe('SESSION_MISSING')
    const optedIn = await fetchWithEnv(request(), { ...CLERK_ENV, CLERK_TREAT_PENDING_AS_SIGNED_OUT: false })
    expect((await widgetToken(optedIn)).claims.attributes).toEqual({ memberId: 'user_2abc' })
  })

  it('Should refuse a __client_uat that is not a number, instead of skipping the stale check', async () => {
    const response = await fetchWithEnv(clerkCookies(clerk.valid, 'later'), CLERK_ENV)
    expect(response.status).toBe(401)
    expect(await errorCode(response)).toBe('SESSION_INVALID')
  })
})
