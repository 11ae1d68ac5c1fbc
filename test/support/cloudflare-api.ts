/**
 * @module A loopback stand-in for the Cloudflare API, for the tests of `npm run deploy` and
 * `npm run secret`: wrangler talks to it when `CLOUDFLARE_API_BASE_URL` points here (with
 * `CLOUDFLARE_API_TOKEN` and `CLOUDFLARE_ACCOUNT_ID` set, wrangler asks nothing else first).
 *
 * It answers a Worker's secret list (`GET …/workers/scripts/NAME/secrets`) from `secrets`, a
 * Worker it does not know with Cloudflare's "not found" (code 10007), a secret upload (`PUT`
 * of the same route) by keeping it, and records every request, so that a test can tell
 * whether a deployment was attempted. Anything else (a deployment's upload) is refused with an API error.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ApiRequest {
  method: string
  path: string
}

export interface CloudflareApi {
  /** The env that points wrangler here. */
  env: Record<string, string>
  requests: ApiRequest[]
  /** The requests beyond reading and writing secrets: a deployment attempted. */
  deployAttempts(): ApiRequest[]
  /** Uploaded secrets by Worker, then name: the values wrangler sent. */
  uploaded: Map<string, Map<string, string>>
  close(): Promise<void>
}

const ACCOUNT = 'test-account-id'

/** `secrets`: each deployed Worker's secret names; a Worker not listed does not exist. */
export async function startCloudflareApi(secrets: Record<string, string[]>): Promise<CloudflareApi> {
  const requests: ApiRequest[] = []
  const uploaded = new Map<string, Map<string, string>>()
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => {
      body += chunk
    })
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname
      requests.push({ method: request.method ?? 'GET', path })
      const answer = (status: number, result: unknown, errors: { code: number; message: string }[] = []) =>
        response
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify({ success: errors.length === 0, errors, messages: [], result }))
      const secretsRoute = path.match(/^\/client\/v4\/accounts\/[^/]+\/workers\/scripts\/([^/]+)\/secrets$/)
      if (secretsRoute && request.method === 'GET') {
        const names = secrets[secretsRoute[1]]
        if (!names) return answer(404, null, [{ code: 10007, message: 'workers.api.error.script_not_found' }])
        return answer(
          200,
          names.map((name) => ({ name, type: 'secret_text' })),
        )
      }
      if (secretsRoute && request.method === 'PUT') {
        const { name, text } = JSON.parse(body) as { name: string; text: string }
        const worker = uploaded.get(secretsRoute[1]) ?? new Map<string, string>()
        uploaded.set(secretsRoute[1], worker.set(name, text))
        return answer(200, { name, type: 'secret_text' })
      }
      // wrangler verifies the token when it explains an API error.
      if (path === '/client/v4/user/tokens/verify') return answer(200, { id: 'test-token', status: 'active' })
      answer(400, null, [{ code: 10000, message: 'the test stand-in answers only the secrets routes' }])
    })
  })
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  const { port } = server.address() as AddressInfo
  return {
    env: {
      CLOUDFLARE_API_BASE_URL: `http://127.0.0.1:${port}/client/v4`,
      CLOUDFLARE_API_TOKEN: 'test-api-token',
      CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
    },
    requests,
    deployAttempts: () =>
      requests.filter(({ path }) => !path.endsWith('/secrets') && path !== '/client/v4/user/tokens/verify'),
    uploaded,
    close: () => new Promise((closed) => server.close(() => closed())),
  }
}
