/**
 * @module The development entry answers only a browser on this machine: every request whose
 * host is not localhost, 127.0.0.1 or [::1] is refused with `403 DEV_HOST_NOT_ALLOWED` before
 * the configuration is read or any route runs.
 *
 * The threat is DNS rebinding: a page on a name the attacker controls, resolved to 127.0.0.1,
 * is same-origin with `wrangler dev` as far as its browser knows, so it could mint a demo
 * session (`/dev/login?sub=victim`) and read the token that `/token` signs with the local,
 * possibly real, widget key. Its browser names the attacker's host in `Host` (which scripts
 * cannot set) and, on a POST or a cross-origin request, in `Origin`.
 *
 * What the Worker sees is what wrangler passes on: the browser's own `Host` (with
 * `--infer-origin-from-routes=false`, which `npm run dev` passes: by default, with `routes`,
 * wrangler shows every request as the route's host, so the browser's is unknowable and the
 * request is refused). wrangler also takes the URL and `Host` from an `MF-Original-URL`
 * request header, which a page can forge; `Origin` is not rewritten then, which is why it is
 * checked too, and why demo sessions are `Secure` cookies (`./login.ts`): a page on another
 * name is never a secure context, so its browser drops them. (`Referer` is not checked: a page
 * can leave it out, and a link followed from a page elsewhere is no attack.)
 */
import type { TokenWorker } from '../app.ts'
import type { TokenServiceError } from '../errors.ts'
import { errorResponse } from '../http/error-response.ts'
import { recordRequest } from '../http/request-log.ts'
import { DevRouteError } from './errors.ts'

/** The names a browser on this machine uses for it; `URL` lowercases them. */
const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]'])

/** `worker`, for requests from this machine only; anything else is answered with a code. */
export function loopbackOnly(worker: TokenWorker): TokenWorker {
  return {
    ...worker,
    fetch(request, env, ctx) {
      const failure = foreignHost(request)
      if (!failure) return worker.fetch(request, env, ctx)
      recordRequest(request, env, Date.now(), failure.status, { failure })
      return errorResponse(failure)
    },
  }
}

/** Why the request does not come from a page on this machine, or nothing when it does. */
function foreignHost(request: Request): TokenServiceError | undefined {
  const host = request.headers.get('Host')
  const claims: [string, string | null][] = [
    ['url', new URL(request.url).origin],
    ['host', host === null ? null : `http://${host}`],
    ['origin', request.headers.get('Origin')],
  ]
  for (const [header, value] of claims) {
    // An opaque origin (sandboxed frames, file:) names no host; the route's own checks apply.
    if (value === null || (header === 'origin' && value === 'null')) continue
    if (isLoopback(value)) continue
    const named = URL.canParse(value) ? new URL(value).host.slice(0, 200) : 'unreadable'
    return new DevRouteError('DEV_HOST_NOT_ALLOWED', `${header}_not_loopback`, { log: { host: named } })
  }
  return undefined
}

function isLoopback(url: string): boolean {
  return URL.canParse(url) && LOOPBACK_HOSTNAMES.has(new URL(url).hostname)
}
