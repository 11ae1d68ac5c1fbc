/**
 * @module Auth.js v5 and NextAuth v4 test sessions, encrypted by the libraries themselves.
 */
import { resolve } from 'node:path'

export const AUTHJS = {
  secret: 'TEST-ONLY-authjs-secret-0123456789abcdefghij',
  previousSecret: 'TEST-ONLY-authjs-previous-secret-0123456789',
  nextAuthSecret: 'TEST-ONLY-nextauth-v4-secret-0123456789abcd',
}

/**
 * Session cookies made by `@auth/core/jwt` (Auth.js v5, installed as `authjs-core`) and
 * `next-auth/jwt` (v4), chunked by Auth.js's own `SessionStore` when long.
 */
export async function authJsCookies() {
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
  const mallory = { sub: 'authjs-user-2', name: 'Mallory', email: 'mallory@example.com' }
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
    /** Another user's whole session: what a sibling subdomain plants beside the visitor's chunks. */
    mallory: await cookie('authjs.session-token', mallory),
    v4: await v4.encode({ token: user, secret: AUTHJS.nextAuthSecret }),
    /** Another user's NextAuth v4 session, as a sibling subdomain would plant it. */
    v4Mallory: await v4.encode({ token: mallory, secret: AUTHJS.nextAuthSecret }),
  }
}
