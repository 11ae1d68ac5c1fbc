/**
 * @module A site's Worker: every path is the site's, but `/token`, which the widget's snippet
 * fetches (`fetch('/token')`, same origin). Sessions are KV records under `sess:`; guests get a
 * token too, with a literal attribute only.
 */
import { kvSessions, rateLimiter, widgetTokenFetch } from 'connect-widget-token'

const token = widgetTokenFetch({
  widgetId: 'support-chat-widget',
  session: kvSessions({ cookie: 'sid', binding: 'SESSIONS', prefix: 'sess:' }),
  mapping: [
    { to: 'attributes.memberId', claim: 'id', required: true },
    { to: 'attributes.email', claim: 'email' },
  ],
  guests: { mapping: [{ to: 'attributes.authenticated', value: 'false' }] },
  rateLimit: rateLimiter('TOKENS'),
})

export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === '/token') return token(request, env, ctx)
    return new Response('<h1>The site</h1>', { headers: { 'content-type': 'text/html' } })
  },
} satisfies ExportedHandler<Record<string, unknown>>
