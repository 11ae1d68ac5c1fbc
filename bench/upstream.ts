/**
 * @module The services a Worker asks across the internet, on loopback for the benchmark: a
 * login service's key set (`/jwks.json`) and a site's "who is this?" URL (`/api/me`). Each
 * answers after `delayMs`, standing in for the round trip, and counts what it is asked.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { JSONWebKeySet } from 'jose'

export interface Upstream {
  url: string
  /** Requests answered so far, by path. */
  count(path: '/jwks.json' | '/api/me'): number
  stop(): Promise<void>
}

export async function startUpstream({
  jwks,
  identities,
  delayMs,
}: {
  jwks: JSONWebKeySet
  /** Cookie header → the visitor `/api/me` answers for it; others get 401. */
  identities: Map<string, object>
  delayMs: number
}): Promise<Upstream> {
  const counts = new Map<string, number>()
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://upstream').pathname
    counts.set(path, (counts.get(path) ?? 0) + 1)
    setTimeout(() => {
      const identity = identities.get(request.headers.cookie ?? '')
      if (path === '/jwks.json') {
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=3600' })
        response.end(JSON.stringify(jwks))
      } else if (path === '/api/me' && identity) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(identity))
      } else {
        response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"not signed in"}')
      }
    }, delayMs)
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: (path) => counts.get(path) ?? 0,
    stop: () => new Promise((closed) => server.close(() => closed())),
  }
}
