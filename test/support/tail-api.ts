/**
 * @module A loopback stand-in for the part of the Cloudflare API that `wrangler tail` talks to,
 * so that the README's `npx wrangler tail … --format json | jq …` runs as written: wrangler
 * creates a tail (`POST …/workers/scripts/<name>/tails`), connects to the WebSocket URL the
 * answer names (subprotocol `trace-v1`) and prints each tail event it receives.
 *
 * It is a Worker of its own under Miniflare (a real WebSocket server, with no library for it):
 * it answers the API routes wrangler calls, and over the socket sends `events`, Cloudflare's
 * tail events (`logs[].message`, `event.request`, `event.response`), then keeps it open.
 */
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'

/** wrangler's credentials for the stand-in (with both, wrangler asks the API nothing first). */
const ACCOUNT = 'tail-test-account'

const SCRIPT = `
export default {
  async fetch(request, env) {
    const url = new URL(request.url)
    const answer = (result) => Response.json({ success: true, errors: [], messages: [], result })
    if (url.pathname === '/socket') {
      const [client, server] = Object.values(new WebSocketPair())
      server.accept()
      // wrangler first sends its options ({ debug }); the events follow it.
      server.addEventListener('message', () => {
        for (const event of JSON.parse(env.EVENTS)) server.send(JSON.stringify(event))
      }, { once: true })
      return new Response(null, { status: 101, webSocket: client, headers: { 'Sec-WebSocket-Protocol': 'trace-v1' } })
    }
    const tails = url.pathname.match(/^\\/client\\/v4\\/accounts\\/[^/]+\\/workers\\/scripts\\/([^/]+)\\/tails(\\/[^/]+)?$/)
    if (tails && request.method === 'POST') {
      const expires = new Date(Date.now() + 3600_000).toISOString()
      return answer({ id: 'tail-1', url: 'ws://' + url.host + '/socket', expires_at: expires, script: tails[1] })
    }
    if (tails && request.method === 'DELETE') return answer(null)
    if (url.pathname === '/client/v4/user/tokens/verify') return answer({ id: 'test-token', status: 'active' })
    return Response.json({ success: false, errors: [{ code: 10000, message: 'not in the tail stand-in: ' + url.pathname }], messages: [], result: null }, { status: 400 })
  },
}
`

export interface TailApi {
  /** The env that points wrangler here. */
  env: Record<string, string>
  close(): Promise<void>
}

export async function startTailApi(events: unknown[]): Promise<TailApi> {
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      script: SCRIPT,
      compatibilityDate: '2026-11-01',
      bindings: { EVENTS: JSON.stringify(events) },
      host: '127.0.0.1',
      port: 0,
    }),
  )
  const url = (await miniflare.ready).href.replace(/\/$/, '')
  return {
    env: {
      CLOUDFLARE_API_BASE_URL: `${url}/client/v4`,
      CLOUDFLARE_API_TOKEN: 'test-api-token',
      CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
    },
    close: () => miniflare.dispose(),
  }
}

/** A tail event as Cloudflare sends it for a request whose Worker logged `lines`. */
export function tailEvent(request: { url: string; status: number; lines: string[] }) {
  return {
    outcome: 'ok',
    scriptName: 'connect-widget-token-production',
    exceptions: [],
    logs: request.lines.map((line) => ({ message: [line], level: JSON.parse(line).level, timestamp: Date.now() })),
    eventTimestamp: Date.now(),
    event: {
      request: { url: request.url, method: 'GET', headers: {}, cf: { colo: 'LHR', country: 'GB' } },
      response: { status: request.status },
    },
  }
}
