import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createWorker } from '../../src/app'
import type { Env } from '../../src/config'
import { sessionCookie, tokenRequest, widgetToken } from './helpers'

afterEach(() => {
  vi.restoreAllMocks()
})

const demoEnv = env as unknown as Env
const context = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext

function serve(worker: ReturnType<typeof createWorker>, request: Request, env: Env): Promise<Response> {
  return (worker.fetch as NonNullable<typeof worker.fetch>)(request as never, env, context) as Promise<Response>
}

function configEvents(error: { mock: { calls: unknown[][] } }) {
  return error.mock.calls.map((call) => JSON.parse(String(call[0]))).filter((line) => line.event === 'config_invalid')
}

describe('Preparing the Worker when its isolate starts', () => {
  it('Should read the configuration once, at startup, for requests whose env holds the same bindings', async () => {
    const error = vi.spyOn(console, 'error')
    const misconfigured = { ...demoEnv, TOKEN_TTL_SECONDS: 900 }
    const worker = createWorker()
    worker.prepare(misconfigured)
    await vi.waitFor(() => expect(configEvents(error)).toHaveLength(1))
    // A request's env is another object over the same bindings, as on Cloudflare.
    const response = await serve(worker, tokenRequest(), { ...misconfigured })
    expect(response.status).toBe(500)
    expect(configEvents(error)).toHaveLength(1)
  })

  it('Should read its own configuration for a request whose env differs from the prepared one', async () => {
    const error = vi.spyOn(console, 'error')
    const worker = createWorker()
    worker.prepare({ ...demoEnv, TOKEN_TTL_SECONDS: 900 })
    const response = await serve(worker, tokenRequest(await sessionCookie()), { ...demoEnv })
    expect(response.status).toBe(200)
    await vi.waitFor(() => expect(configEvents(error)).toHaveLength(1))
  })

  it('Should tell bindings apart by value: a JSON var that differs is another configuration', async () => {
    const worker = createWorker()
    const prepared = { ...demoEnv, CONTACT_MAPPING: [{ to: 'attributes.memberId', claim: 'sub', required: true }] }
    worker.prepare(prepared)
    const changedMapping = { ...prepared, CONTACT_MAPPING: [{ to: 'attributes.memberId', claim: 'email' }] }
    const response = await serve(worker, tokenRequest(await sessionCookie()), changedMapping)
    expect((await widgetToken(response)).claims.attributes).toEqual({ memberId: 'jane@example.com' })
  })
})
