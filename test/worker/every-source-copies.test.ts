/**
 * @module Every registered session source, attacked the same way (README, "Cookies and sizes";
 * SECURITY.md, "Cookie tossing"): a sibling subdomain plants the attacker's own valid session as
 * a second copy of the session's cookie, which browsers send first. For each source: the visitor's
 * session alone, the attacker's alone (so the planted session is known to be valid), then both, in
 * either order: `401 SESSION_AMBIGUOUS`, never the attacker's token. The sources are read from the
 * registry (`SOURCES`, `PROVIDERS` of src/config/sources.ts), so a source registered without a case
 * here fails this file instead of going unattacked.
 */
import { env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { PROVIDERS, SOURCES } from '../../src/config/sources'
import { clerkCookieSuffix } from '../../src/session/providers/clerk'
import {
  BASE,
  errorCode,
  fetchWithEnv,
  KV_SESSIONS,
  providerFixtures,
  sessionCookie,
  WITHOUT_DEMO_JWT,
  widgetToken,
} from './helpers'
import { introspection, meUrl, siteSession } from './site-support'

/** One person's session: the cookies their browser sends, and the `memberId` their token carries. */
interface Session {
  cookies: string
  memberId: string
}

/** A source's sessions, minted when its tests start. */
interface Attack {
  /** The source's settings; the var that chooses it (`SESSION_SOURCE` or `SESSION_PROVIDER`) is set from the registry. */
  env: Record<string, unknown>
  visitor: Session
  attacker: Session
  /**
   * Where the source reads one session under several names, the other ways of planting the
   * attacker's session beside the visitor's, by what is planted; the attacker's whole session is
   * always planted too.
   */
  plantings?: Record<string, string>
}

/** Each registered source's sessions, by its name in the registry. */
const CASES: Record<string, () => Promise<Attack>> = {
  jwt: async () => ({
    env: memberIdFrom('sub'),
    visitor: { cookies: `session=${await sessionCookie({ sub: 'member-1' })}`, memberId: 'member-1' },
    attacker: { cookies: `session=${await sessionCookie({ sub: 'mallory' })}`, memberId: 'mallory' },
  }),

  introspection: async () => ({
    // The site's /api/id answers `{ "id": "member-NAME" }`: no `sub` for the copies to agree on.
    env: introspection(meUrl('/api/id'), memberIdFrom('id')),
    visitor: { cookies: `connect.sid=${await siteSession('alice')}`, memberId: 'member-alice' },
    attacker: { cookies: `connect.sid=${await siteSession('mallory')}`, memberId: 'member-mallory' },
  }),

  kv: async () => {
    const sessions = (env as unknown as { TEST_SESSIONS: KVNamespace }).TEST_SESSIONS
    // Session ids as a store writes them (UUIDs), new for each run.
    const [alice, mallory] = [crypto.randomUUID(), crypto.randomUUID()]
    await sessions.put(`sess:${alice}`, JSON.stringify({ id: 'alice' }))
    await sessions.put(`sess:${mallory}`, JSON.stringify({ id: 'mallory' }))
    return {
      env: { ...KV_SESSIONS, ...memberIdFrom('id') },
      visitor: { cookies: `session=${alice}`, memberId: 'alice' },
      attacker: { cookies: `session=${mallory}`, memberId: 'mallory' },
    }
  },

  // Amplify's session is a set of cookies: `LastAuthUser` names the user, whose tokens are under
  // names of their own. The attacker plants a `LastAuthUser` copy naming themselves, and their own
  // tokens: each `LastAuthUser` copy is a session (src/session/providers/cognito.ts), so two users.
  cognito: async () => {
    const cognito = await providerFixtures('cognito')
    return {
      env: {
        COGNITO_USER_POOL_ID: cognito.userPoolId,
        COGNITO_CLIENT_ID: cognito.clientId,
        SESSION_JWKS_URL: cognito.jwksUrl,
        ...WITHOUT_DEMO_JWT,
        ...memberIdFrom('sub'),
      },
      visitor: { cookies: cookieHeader(cognito.amplifyCookies), memberId: 'cognito-sub-1' },
      attacker: { cookies: cookieHeader(cognito.malloryAmplifyCookies), memberId: 'cognito-sub-2' },
    }
  },

  authjs: async () => {
    const authjs = await providerFixtures('authjs')
    return {
      env: { AUTH_SECRET: authjs.secret, ...WITHOUT_DEMO_JWT, SESSION_COOKIE: undefined, ...memberIdFrom('sub') },
      visitor: { cookies: `authjs.session-token=${authjs.plain}`, memberId: 'authjs-user-1' },
      attacker: { cookies: `authjs.session-token=${authjs.mallory}`, memberId: 'authjs-user-2' },
    }
  },

  'nextauth-v4': async () => {
    const authjs = await providerFixtures('authjs')
    return {
      env: {
        NEXTAUTH_SECRET: authjs.nextAuthSecret,
        ...WITHOUT_DEMO_JWT,
        SESSION_COOKIE: undefined,
        ...memberIdFrom('sub'),
      },
      visitor: { cookies: `next-auth.session-token=${authjs.v4}`, memberId: 'authjs-user-1' },
      attacker: { cookies: `next-auth.session-token=${authjs.v4Mallory}`, memberId: 'authjs-user-2' },
    }
  },

  supabase: async () => {
    const supabase = await providerFixtures('supabase')
    return {
      env: {
        SUPABASE_PROJECT_REF: supabase.projectRef,
        SESSION_JWKS_URL: supabase.jwksUrl,
        ...WITHOUT_DEMO_JWT,
        SESSION_SECRET: undefined,
        ...memberIdFrom('sub'),
      },
      // Whole Cookie headers as @supabase/ssr writes them (`sb-<ref>-auth-token`).
      visitor: { cookies: supabase.single, memberId: 'supabase-user-1' },
      attacker: { cookies: supabase.mallory, memberId: 'supabase-user-2' },
    }
  },

  // A Clerk session is a pair, `__session` and `__client_uat`, plain or suffixed with a hash of the
  // publishable key: the attacker can plant the pair, the token alone (beside the visitor's
  // `__client_uat`), or the suffixed pair, which is a copy of the plain one.
  clerk: async () => {
    const clerk = await providerFixtures('clerk')
    const suffix = await clerkCookieSuffix(clerk.publishableKey)
    const uat = String(clerk.now - 30)
    return {
      env: {
        CLERK_PUBLISHABLE_KEY: clerk.publishableKey,
        CLERK_AUTHORIZED_PARTIES: [clerk.site],
        SESSION_JWKS_URL: clerk.jwksUrl,
        ...WITHOUT_DEMO_JWT,
        ...memberIdFrom('sub'),
      },
      visitor: { cookies: `__session=${clerk.valid}; __client_uat=${uat}`, memberId: 'user_2abc' },
      attacker: { cookies: `__session=${clerk.mallory}; __client_uat=${uat}`, memberId: 'user_mallory' },
      plantings: {
        'its __session alone': `__session=${clerk.mallory}`,
        'its pair, suffixed': `__session_${suffix}=${clerk.mallory}; __client_uat_${suffix}=${uat}`,
      },
    }
  },

  firebase: async () => {
    const firebase = await providerFixtures('firebase')
    return {
      env: {
        FIREBASE_PROJECT_ID: firebase.projectId,
        SESSION_JWKS_URL: firebase.keysUrl,
        SESSION_COOKIE: '__session',
        ...WITHOUT_DEMO_JWT,
        ...memberIdFrom('sub'),
      },
      visitor: { cookies: `__session=${firebase.valid}`, memberId: 'firebase-uid-1' },
      attacker: { cookies: `__session=${firebase.mallory}`, memberId: 'firebase-uid-2' },
    }
  },
}

const REGISTERED = [
  ...Object.keys(SOURCES).map((name) => ({ name, chosenBy: { SESSION_SOURCE: name, SESSION_PROVIDER: undefined } })),
  ...Object.keys(PROVIDERS).map((name) => ({ name, chosenBy: { SESSION_PROVIDER: name, SESSION_SOURCE: undefined } })),
]

describe('The registry of session sources (src/config/sources.ts)', () => {
  it('Should have a case here for every registered source, and none for a source it does not register', () => {
    const names = REGISTERED.map(({ name }) => name)
    expect(new Set(names).size, 'a name registered both as SESSION_SOURCE and SESSION_PROVIDER').toBe(names.length)
    const missing = names.filter((name) => !Object.hasOwn(CASES, name))
    expect(missing, 'registered sources without a case: add one to CASES in every-source-copies.test.ts').toEqual([])
    expect(
      Object.keys(CASES).filter((name) => !names.includes(name)),
      'cases for no registered source',
    ).toEqual([])
  })
})

describe.each(REGISTERED)("A planted session beside the visitor's ($name)", ({ name, chosenBy }) => {
  const mint = Object.hasOwn(CASES, name) ? CASES[name] : undefined
  if (!mint) {
    it('Should have a case', () => {
      expect.fail(`"${name}" is registered but not attacked: add a case for it to CASES in every-source-copies.test.ts`)
    })
    return
  }
  let attack: Attack
  let config: Record<string, unknown>
  // Minted when this source's tests start: Clerk's tokens live 60 s.
  beforeAll(async () => {
    attack = await mint()
    config = { ...attack.env, ...chosenBy }
  })
  const token = (cookies: string) =>
    fetchWithEnv(new Request(`${BASE}/token`, { headers: { Cookie: cookies } }), config)
  const plantings = () => ({ 'its whole session': attack.attacker.cookies, ...attack.plantings })

  it("Should give the visitor's own session alone the visitor's identity", async () => {
    const response = await token(attack.visitor.cookies)
    expect(response.status).toBe(200)
    expect((await widgetToken(response)).claims.attributes).toEqual({ memberId: attack.visitor.memberId })
  })

  it("Should give the attacker's session alone the attacker's identity: the planted session is valid", async () => {
    const response = await token(attack.attacker.cookies)
    expect(response.status).toBe(200)
    expect((await widgetToken(response)).claims.attributes).toEqual({ memberId: attack.attacker.memberId })
  })

  it.each([
    ['sent first', (planted: string, visitor: string) => `${planted}; ${visitor}`],
    ['sent after', (planted: string, visitor: string) => `${visitor}; ${planted}`],
  ])("Should refuse the attacker's session planted beside the visitor's, %s, as SESSION_AMBIGUOUS", async (_, pair) => {
    for (const [what, planted] of Object.entries(plantings())) {
      const response = await token(pair(planted, attack.visitor.cookies))
      // A token says whose it is: the attacker's identity is the attack succeeding.
      const answer =
        response.status === 200
          ? `200, a token for ${JSON.stringify((await widgetToken(response)).claims.attributes)}`
          : `${response.status} ${await errorCode(response)}`
      expect.soft(answer, `the attacker planting ${what}`).toBe('401 SESSION_AMBIGUOUS')
    }
  })
})

function memberIdFrom(claim: string) {
  return { CONTACT_MAPPING: [{ to: 'attributes.memberId', claim, required: true }] }
}

/** Cookies as a browser sends them, in one header. */
function cookieHeader(cookies: Record<string, string>): string {
  return Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ')
}
