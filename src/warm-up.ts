/**
 * @module Compiles the token path before the first visitor arrives. V8 compiles a function the
 * first time it runs, so an isolate's first token would otherwise pay for compiling jose's
 * signing and verification and this Worker's checks around them (several milliseconds). At
 * startup the path runs once on throwaway data: a synthetic visitor mapped by each widget's
 * own rules, signed and verified with an all-zero key that signs nothing else. Nothing it
 * makes leaves this function: no secret is used, no log line or request is made.
 */
import { mapSessionToContact } from './attributes.ts'
import type { Config } from './config/index.ts'
import { verifySessionCookie } from './session/verify.ts'
import { issueWidgetToken } from './token.ts'

const SYNTHETIC_VISITOR = { sub: 'warm-up', name: 'warm-up', email: 'warm-up@example.invalid' }

export async function warmUp(config: Config): Promise<void> {
  const key = await crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ])
  for (const widget of config.widgets) {
    const { fields } = mapSessionToContact(SYNTHETIC_VISITOR, widget.mapping)
    const now = Math.floor(Date.now() / 1000)
    const { token } = await issueWidgetToken(fields, { widgetId: 'warm-up', ttlSeconds: 60, key }, now)
    await verifySessionCookie(token, {
      algorithms: ['HS256'],
      clockToleranceSeconds: 0,
      getKey: async () => key,
    })
  }
}
