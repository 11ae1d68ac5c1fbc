/**
 * @module Shared test helpers: demo-shaped session cookies and requests to the Worker.
 */
import { createExecutionContext, env } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose'
import { inject } from 'vitest'
import { createWorker } from '../../src/app'
import type { Env } from '../../src/config'
import type { ProviderFixtures } from '../support/provided-context'
import { TEST_SESSION_SECRET } from '../support/secrets'

/** The issuer and audience that wrangler.toml's demo configuration expects. */
export const DEMO_ISSUER = 'https://login.example.com'
export const DEMO_AUDIENCE = 'www.example.com'
export const BASE = 'https://www.example.com'

export const JANE = {
  sub: 'member-123456789',
  name: 'Jane Doe',
  email: 'jane@example.com',
  profile: { tier: 'gold' },
}

export interface SessionSigning {
  alg?: string
  /** The HMAC secret; the test SESSION_SECRET unless given. */
  secret?: string
  /** `setExpirationTime` input, or null for a session without `exp`. */
  expires?: string | number | null
}

/** A session JWT as the site would issue it; `edit` adjusts it before signing. */
export async function sessionCookie(
  claims: Record<string, unknown> = JANE,
  edit: (jwt: SignJWT) => SignJWT = (jwt) => jwt,
  { alg = 'HS256', secret = TEST_SESSION_SECRET, expires = '1h' }: SessionSigning = {},
): Promise<string> {
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setIssuer(DEMO_ISSUER)
    .setAudience(DEMO_AUDIENCE)
    .setIssuedAt()
  if (expires !== null) jwt = jwt.setExpirationTime(expires)
  return edit(jwt).sign(new TextEncoder().encode(secret))
}

export function tokenRequest(
  cookie?: string,
  init: { headers?: Record<string, string>; method?: string; path?: string } = {},
): Request {
  const headers = new Headers(init.headers)
  if (cookie !== undefined) headers.set('Cookie', `session=${cookie}`)
  return new Request(`${BASE}${init.path ?? '/token'}`, { method: init.method ?? 'GET', headers })
}

/** Through the Worker's real entry, configured by wrangler.toml. */
export function fetchWorker(request: Request): Promise<Response> {
  return exports.default.fetch(request)
}

/** The demo's JWT session settings, unset: for configurations whose sessions come from elsewhere. */
export const WITHOUT_DEMO_JWT = {
  SESSION_ALGORITHMS: undefined,
  SESSION_ISSUER: undefined,
  SESSION_AUDIENCE: undefined,
} as const

/** Sessions as KV records under `sess:` in the test namespace (vitest.config.ts binds `TEST_SESSIONS`). */
export const KV_SESSIONS = {
  ...WITHOUT_DEMO_JWT,
  SESSION_CLOCK_TOLERANCE_SECONDS: undefined,
  SESSION_SOURCE: 'kv',
  SESSION_KV_BINDING: 'TEST_SESSIONS',
  SESSION_KV_PREFIX: 'sess:',
} as const

/** Sessions from Cognito's Amplify cookies, for a sample user pool: no session secret. */
export const COGNITO_SESSIONS = {
  ...WITHOUT_DEMO_JWT,
  SESSION_SECRET: undefined,
  SESSION_PROVIDER: 'cognito',
  COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123',
  COGNITO_CLIENT_ID: '1example23456789',
} as const

/** The test env: wrangler.toml's demo vars and the test secrets. */
export function demoEnv(): Env {
  return env as unknown as Env
}

/** A Worker built with the test env plus `overrides`, for configuration variants. */
export function workerWithEnv(overrides: Record<string, unknown>): (request: Request) => Promise<Response> {
  const variant: Env = { ...(env as unknown as Env), ...overrides }
  const worker = createWorker()
  const context = createExecutionContext()
  return (request) => worker.fetch?.(request as never, variant, context) as Promise<Response>
}

export function fetchWithEnv(request: Request, overrides: Record<string, unknown>): Promise<Response> {
  return workerWithEnv(overrides)(request)
}

export async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { error: { code: string } }
  return body.error.code
}

export async function widgetToken(response: Response) {
  const body = (await response.json()) as { data: string }
  return { token: body.data, header: decodeProtectedHeader(body.data), claims: decodeJwt(body.data) }
}

/**
 * An identity provider's sessions, minted by its own library now (test/support/provider-keys.ts):
 * a test file awaits them when it starts, so they cannot have expired while other files ran.
 */
export async function providerFixtures<Name extends keyof ProviderFixtures>(
  name: Name,
): Promise<ProviderFixtures[Name]> {
  const response = await fetch(`${inject('providerFixturesUrl')}/${name}`)
  if (!response.ok) throw new Error(`minting the ${name} fixtures failed: ${response.status} ${await response.text()}`)
  return response.json()
}
