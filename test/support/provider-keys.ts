/**
 * @module Vitest global setup: identity providers' sessions made by the providers' own
 * libraries, for the worker tests. Keys are generated here and their public halves served
 * from a loopback JWKS (`/cognito/jwks.json`), which the tests name in `SESSION_JWKS_URL`.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { exportJWK, generateKeyPair, importPKCS8, SignJWT } from 'jose'
import type { TestProject } from 'vitest/node'

export const COGNITO = {
  userPoolId: 'us-east-1_TestPool1',
  clientId: 'testclient123',
  issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1',
}

export default async function startProviderKeys(project: TestProject) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true })
  const supabaseKeys = await generateKeyPair('ES256', { extractable: true })
  const clerkKeys = await generateKeyPair('RS256', { extractable: true })
  const jwks = {
    keys: [
      { ...(await exportJWK(publicKey)), kid: 'cognito-test', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(supabaseKeys.publicKey)), kid: 'supabase-test', alg: 'ES256', use: 'sig' },
      { ...(await exportJWK(clerkKeys.publicKey)), kid: 'clerk-test', alg: 'RS256', use: 'sig' },
    ],
  }
  const firebase = await firebaseFixtures()
  const server = createServer((request, response) => {
    if (request.url === '/firebase/publicKeys') {
      // Google's form: kid → X.509 certificate, with a max-age the Worker honours.
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' })
      response.end(JSON.stringify(firebase.certificates))
    } else {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const now = Math.floor(Date.now() / 1000)
  const sign = (claims: Record<string, unknown>, expires = now + 3600) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'cognito-test' })
      .setIssuer(COGNITO.issuer)
      .setIssuedAt(now - 60)
      .setExpirationTime(expires)
      .sign(privateKey)
  const profile = { sub: 'cognito-sub-1', 'cognito:username': 'jane@example.com', email: 'jane@example.com' }
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
    otherPoolIdToken: await new SignJWT(idClaims)
      .setProtectedHeader({ alg: 'RS256', kid: 'cognito-test' })
      .setIssuer('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool')
      .setExpirationTime(now + 3600)
      .sign(privateKey),
  }
  const child = promisify(execFile)(process.execPath, ['test/support/amplify-cookies.ts'], { encoding: 'utf8' })
  child.child.stdin?.end(
    JSON.stringify({
      ...COGNITO,
      username: 'jane@example.com',
      idToken: tokens.idToken,
      accessToken: tokens.accessToken,
    }),
  )
  const amplifyCookies = JSON.parse((await child).stdout) as Record<string, string>

  project.provide('cognito', { ...COGNITO, jwksUrl: `${base}/cognito/jwks.json`, amplifyCookies, tokens })
  project.provide('authjs', await authJsCookies())
  project.provide('firebase', { ...FIREBASE, keysUrl: `${base}/firebase/publicKeys`, ...firebase.cookies })
  project.provide('clerk', {
    ...CLERK,
    jwksUrl: `${base}/clerk/jwks.json`,
    ...(await clerkTokens(clerkKeys.privateKey)),
  })
  project.provide('supabase', {
    ...SUPABASE,
    jwksUrl: `${base}/supabase/jwks.json`,
    ...(await supabaseCookies(supabaseKeys.privateKey)),
  })
  return () => new Promise<void>((resolve) => server.close(() => resolve()))
}

export const AUTHJS = {
  secret: 'TEST-ONLY-authjs-secret-0123456789abcdefghij',
  previousSecret: 'TEST-ONLY-authjs-previous-secret-0123456789',
  nextAuthSecret: 'TEST-ONLY-nextauth-v4-secret-0123456789abcd',
}

/**
 * Session cookies made by `@auth/core/jwt` (Auth.js v5, installed as `authjs-core`) and
 * `next-auth/jwt` (v4), chunked by Auth.js's own `SessionStore` when long.
 */
async function authJsCookies() {
  const { encode } = await import('authjs-core/jwt')
  const v4 = (await import('next-auth/jwt')) as unknown as {
    encode(params: { token: Record<string, unknown>; secret: string; maxAge?: number }): Promise<string>
  }
  // SessionStore is Auth.js's internal chunker; it is not exported, so it is imported by path.
  const { SessionStore } = (await import(resolve('node_modules/authjs-core/lib/utils/cookie.js'))) as {
    SessionStore: new (
      option: { name: string; options: Record<string, unknown> },
      cookies: Record<string, string>,
      logger: { debug(): void },
    ) => { chunk(value: string, options: Record<string, unknown>): { name: string; value: string }[] }
  }
  const user = { sub: 'authjs-user-1', name: 'Ada Lovelace', email: 'ada@example.com' }
  const cookie = (salt: string, token: Record<string, unknown> = user, secret = AUTHJS.secret, maxAge?: number) =>
    encode({ token, secret, salt, maxAge })
  const roles = Array.from({ length: 300 }, (_, i) => `role-with-a-long-name-${i}`)
  const long = await cookie('authjs.session-token', { ...user, roles })
  const chunks = new SessionStore({ name: 'authjs.session-token', options: {} }, {}, { debug() {} }).chunk(long, {})
  return {
    ...AUTHJS,
    plain: await cookie('authjs.session-token'),
    secure: await cookie('__Secure-authjs.session-token'),
    previous: await cookie('authjs.session-token', user, AUTHJS.previousSecret),
    expired: await cookie('authjs.session-token', user, AUTHJS.secret, -60),
    otherSecret: await cookie('authjs.session-token', user, 'TEST-ONLY-another-app-secret-0123456789abcd'),
    chunked: chunks.map(({ name, value }) => `${name}=${value}`).join('; '),
    v4: await v4.encode({ token: user, secret: AUTHJS.nextAuthSecret }),
  }
}

export const SUPABASE = {
  projectRef: 'abcdefghijklmnopqrst',
  issuer: 'https://abcdefghijklmnopqrst.supabase.co/auth/v1',
  legacySecret: 'TEST-ONLY-supabase-legacy-jwt-secret-0123456789',
}

/** Cookie headers written by `@supabase/ssr` after a sign-in (the Auth API answered by a stub). */
async function supabaseCookies(signingKey: CryptoKey) {
  const { createServerClient } = await import('@supabase/ssr')
  const now = Math.floor(Date.now() / 1000)
  const accessToken = (
    claims: Record<string, unknown>,
    key: CryptoKey | Uint8Array = signingKey,
    expires = now + 3600,
  ) =>
    new SignJWT({
      aud: 'authenticated',
      role: 'authenticated',
      sub: 'supabase-user-1',
      email: 'sam@example.com',
      ...claims,
    })
      .setProtectedHeader(
        key instanceof Uint8Array ? { alg: 'HS256', typ: 'JWT' } : { alg: 'ES256', kid: 'supabase-test', typ: 'JWT' },
      )
      .setIssuer(SUPABASE.issuer)
      .setIssuedAt(now - 60)
      .setExpirationTime(expires)
      .sign(key)
  const legacyKey = new TextEncoder().encode(SUPABASE.legacySecret)
  const cookieHeader = async (token: string, userMetadata: Record<string, unknown> = {}) => {
    const jar = new Map<string, string>()
    const session = {
      access_token: token,
      token_type: 'bearer',
      expires_in: 3600,
      expires_at: now + 3600,
      refresh_token: 'refresh',
      user: {
        id: 'supabase-user-1',
        aud: 'authenticated',
        role: 'authenticated',
        email: 'sam@example.com',
        app_metadata: {},
        user_metadata: userMetadata,
        created_at: new Date().toISOString(),
      },
    }
    const client = createServerClient(`https://${SUPABASE.projectRef}.supabase.co`, 'anon-key', {
      cookies: {
        getAll: () => [...jar].map(([name, value]) => ({ name, value })),
        setAll: (cookies) => {
          for (const { name, value } of cookies) jar.set(name, value)
        },
      },
      global: {
        fetch: async () => new Response(JSON.stringify(session), { headers: { 'content-type': 'application/json' } }),
      },
    })
    const { error } = await client.auth.signInWithPassword({
      email: 'sam@example.com',
      password: 'not checked by the stub',
    })
    if (error) throw error
    return [...jar]
      .filter(([, value]) => value)
      .map(([name, value]) => `${name}=${value}`)
      .join('; ')
  }
  return {
    single: await cookieHeader(await accessToken({})),
    chunked: await cookieHeader(await accessToken({}), { bio: 'x'.repeat(6000) }),
    legacy: await cookieHeader(await accessToken({}, legacyKey)),
    anonRole: await cookieHeader(await accessToken({ role: 'anon', sub: undefined }, legacyKey)),
    anonymousUser: await cookieHeader(await accessToken({ is_anonymous: true })),
    expired: await cookieHeader(await accessToken({}, signingKey, now - 600)),
  }
}

/** `pk_test_` + base64("clerk.example.com$"): the frontend API is clerk.example.com. */
export const CLERK = {
  publishableKey: `pk_test_${btoa('clerk.example.com$')}`,
  issuer: 'https://clerk.example.com',
  site: 'https://www.example.com',
}

/** Clerk session tokens made by `@clerk/backend`'s `signJwt` (it sets `iat` to now). */
async function clerkTokens(privateKey: CryptoKey) {
  const { signJwt } = await import('@clerk/backend/jwt')
  const jwk = await exportJWK(privateKey)
  const now = Math.floor(Date.now() / 1000)
  const token = async (claims: Record<string, unknown>) => {
    const payload = {
      iss: CLERK.issuer,
      sub: 'user_2abc',
      sid: 'sess_1',
      azp: CLERK.site,
      nbf: now - 10,
      exp: now + 60,
      ...claims,
    }
    return signJwt(payload, jwk as JsonWebKey, { algorithm: 'RS256', header: { typ: 'JWT', kid: 'clerk-test' } })
  }
  return {
    now,
    valid: await token({}),
    otherParty: await token({ azp: 'https://evil.example' }),
    expired: await token({ exp: now - 120, nbf: now - 180 }),
  }
}

export const FIREBASE = { projectId: 'my-app-1234' }

/**
 * Firebase-shaped session cookies: Google mints them server-side, so no library can make one
 * offline; they are signed with a key whose self-signed X.509 certificate (made by openssl)
 * is served in Google's `kid` → certificate form.
 */
async function firebaseFixtures() {
  const dir = mkdtempSync(join(tmpdir(), 'cwt-firebase-'))
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=securetoken.test',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ])
  const privateKey = await importPKCS8(readFileSync(join(dir, 'key.pem'), 'utf8'), 'RS256')
  const certificate = readFileSync(join(dir, 'cert.pem'), 'utf8')
  rmSync(dir, { recursive: true, force: true })
  const now = Math.floor(Date.now() / 1000)
  const cookie = (claims: Record<string, unknown> = {}, project = FIREBASE.projectId, expires = now + 3600) =>
    new SignJWT({
      sub: 'firebase-uid-1',
      email: 'fay@example.com',
      auth_time: now - 100,
      firebase: { sign_in_provider: 'password' },
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'firebase-test' })
      .setIssuer(`https://session.firebase.google.com/${project}`)
      .setAudience(project)
      .setIssuedAt(now - 100)
      .setExpirationTime(expires)
      .sign(privateKey)
  return {
    certificates: { 'firebase-test': certificate },
    cookies: {
      valid: await cookie(),
      otherProject: await cookie({}, 'another-project'),
      expired: await cookie({}, FIREBASE.projectId, now - 600),
      futureAuthTime: await cookie({ auth_time: now + 3600 }),
    },
  }
}
