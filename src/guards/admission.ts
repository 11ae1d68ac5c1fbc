/**
 * @module Who gets a token, and with which fields: a signed-in visitor gets the mapping of
 * their claims; a guest gets one only when the anonymous policy allows it, after the
 * configured guards, with literal attributes only: never anything the request says.
 */
import { type ContactMapping, mapSessionToContact } from '../attributes'
import type { Config } from '../config'
import type { WidgetConfig } from '../config/widgets'
import { TokenServiceError } from '../errors'
import type { Identity } from '../session/source'
import { enforceRateLimit, rateLimitKey } from './rate-limit'
import { requireTurnstile } from './turnstile'

/**
 * What a source awaits before it calls another host for this request (the site's introspection
 * URL): with a rate limit binding, the client's lookups are counted first (`lookup:ip:…`), so a
 * client over its limit costs the site nothing. Counted once per request, however many copies.
 */
export function lookupGuard(request: Request, env: Record<string, unknown>, config: Config): () => Promise<void> {
  const binding = config.rateLimitBinding
  if (!binding) return async () => {}
  let counted: Promise<void> | undefined
  return () => {
    counted ??= enforceRateLimit(env, binding, `lookup:${rateLimitKey(request, undefined)}`)
    return counted
  }
}

export async function admit(
  identity: Identity,
  request: Request,
  env: Record<string, unknown>,
  config: Config,
  widget: WidgetConfig,
): Promise<ContactMapping> {
  if (identity.kind === 'visitor') {
    if (config.rateLimitBinding) {
      await enforceRateLimit(env, config.rateLimitBinding, rateLimitKey(request, identity.claims.sub))
    }
    return mapSessionToContact(identity.claims, widget.mapping)
  }
  const { anonymous } = widget
  if (anonymous.policy === 'deny') throw new TokenServiceError('SESSION_MISSING', identity.why)
  if (config.rateLimitBinding) await enforceRateLimit(env, config.rateLimitBinding, rateLimitKey(request, undefined))
  if (anonymous.turnstile) await requireTurnstile(request, anonymous.turnstile)
  return mapSessionToContact({}, anonymous.mapping)
}
