/**
 * @module Helpers for the tests of opaque sessions and guests: the Express site of
 * test/support/site-server.ts, its cookies, and configurations that use it.
 */
import { inject } from 'vitest'
import { tokenRequest, WITHOUT_DEMO_JWT } from './helpers'

/** express-session's secret on the test site (test/support/site-server.ts). */
export const SITE_SECRET = 'TEST-ONLY-express-session-secret-0123456789'

/** The site's "who is this?" URL with a query of this test's own: its calls are counted apart. */
export function meUrl(path = '/api/me'): string {
  return `${inject('siteBase')}${path}?test=${crypto.randomUUID()}`
}

export async function siteCalls(url: string): Promise<number> {
  const path = url.slice(inject('siteBase').length)
  const answer = await fetch(`${inject('siteBase')}/calls?url=${encodeURIComponent(path)}`)
  return ((await answer.json()) as { calls: number }).calls
}

/** Signs in on the Express site: its `connect.sid` cookie value, as the browser would keep it. */
export async function siteSession(name: string): Promise<string> {
  const answer = await fetch(`${inject('siteBase')}/login/${name}`)
  return (answer.headers.get('Set-Cookie') ?? '').split(';')[0].slice('connect.sid='.length)
}

export function introspection(url: string, extra: Record<string, unknown> = {}) {
  return {
    SESSION_SOURCE: 'introspection',
    SESSION_COOKIE: 'connect.sid',
    SESSION_INTROSPECTION_URL: url,
    ...WITHOUT_DEMO_JWT,
    SESSION_CLOCK_TOLERANCE_SECONDS: undefined,
    ...extra,
  }
}

export function withSiteCookie(cookie: string, headers: Record<string, string> = {}): Request {
  return tokenRequest(undefined, { headers: { Cookie: `theme=dark; connect.sid=${cookie}; other=1`, ...headers } })
}

export const GUESTS = {
  ANONYMOUS_POLICY: 'allow',
  ANONYMOUS_MAPPING: [
    { to: 'attributes.authenticated', value: 'false' },
    { to: 'attributes.channel', value: 'web' },
  ],
}
