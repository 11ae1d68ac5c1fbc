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
