/**
 * @module Requests to the development entry (`src/dev.ts`) inside workerd, as `wrangler dev`
 * hands them over: on http://localhost:8787 unless a test names another host.
 */
import { createExecutionContext, env } from 'cloudflare:test'
import type { Env } from '../../src/config'
import devWorker from '../../src/dev'

export const DEV_ORIGIN = 'http://localhost:8787'

export interface DevRequest {
  cookie?: string
  /** Vars that differ from wrangler.toml's demo configuration. */
  vars?: Record<string, unknown>
  method?: string
  json?: unknown
  /** Where the request is sent (its URL and `Host`): the dev server's own origin unless given. */
  origin?: string
  headers?: Record<string, string>
}

/** Env objects per variant, so that the development Worker keeps one configuration for each. */
const variants = new Map<string, Env>()

export function fetchDev(path: string, request: DevRequest = {}): Promise<Response> {
  const { cookie, vars = {}, method = 'GET', json, origin = DEV_ORIGIN } = request
  const headers = new Headers({ Host: new URL(origin).host, ...request.headers })
  if (cookie) headers.set('Cookie', cookie)
  if (json !== undefined) headers.set('Content-Type', 'application/json')
  const body = json === undefined ? undefined : JSON.stringify(json)
  const key = JSON.stringify(vars)
  if (!variants.has(key)) variants.set(key, { ...(env as unknown as Env), ...vars })
  return devWorker.fetch?.(
    new Request(`${origin}${path}`, { method, headers, body }) as never,
    variants.get(key) as Env,
    createExecutionContext(),
  ) as Promise<Response>
}

/** The `name=value` of the session cookie a response sets. */
export function sessionFrom(response: Response): string {
  const setCookie = response.headers.get('Set-Cookie') ?? ''
  return setCookie.split(';')[0]
}
