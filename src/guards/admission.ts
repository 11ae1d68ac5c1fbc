/**
 * @module Who gets a token, and with which fields: a signed-in visitor gets the mapping of
 * their claims; a guest gets one only when the anonymous policy allows it, after the
 * configured guards, with literal attributes only: never anything the request says.
 */
import { type ContactMapping, mapSessionToContact } from '../attributes.ts'
import type { WidgetSettings } from '../config/widget.ts'
import { TokenServiceError } from '../errors.ts'
import type { Identity } from '../session/source.ts'
import type { RateLimiter } from './rate-limit.ts'

/**
 * What a source awaits before it calls another host for this request (the site's introspection
 * URL): with a rate limit binding, the client's lookups are counted first (`lookup:ip:…`), so a
 * client over its limit costs the site nothing. Counted once per request, however many copies.
 */
export function lookupGuard(
  request: Request,
  env: Record<string, unknown>,
  limiter?: RateLimiter,
): () => Promise<void> {
  if (!limiter) return async () => {}
  let counted: Promise<void> | undefined
  return () => {
    counted ??= limiter.count(request, env, undefined, 'lookup')
    return counted
  }
}

export async function admit(
  identity: Identity,
  request: Request,
  env: Record<string, unknown>,
  widget: WidgetSettings,
): Promise<ContactMapping> {
  const { rateLimit } = widget
  if (identity.kind === 'visitor') {
    if (rateLimit) await rateLimit.count(request, env, identity.claims.sub)
    return mapSessionToContact(identity.claims, widget.mapping)
  }
  const { anonymous } = widget
  if (anonymous.policy === 'deny') throw new TokenServiceError('SESSION_MISSING', identity.why)
  if (rateLimit) await rateLimit.count(request, env, undefined)
  await anonymous.turnstile?.require(request, env)
  return mapSessionToContact({}, anonymous.mapping)
}
