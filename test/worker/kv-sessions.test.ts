import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { errorCode, fetchWithEnv, tokenRequest, WITHOUT_DEMO_JWT, widgetToken } from './helpers'

describe('Workers KV sessions', () => {
  const kv = { SESSION_SOURCE: 'kv', SESSION_KV_BINDING: 'TEST_SESSIONS', SESSION_KV_PREFIX: 'sess:' }
  const jwtOff = { ...WITHOUT_DEMO_JWT, SESSION_CLOCK_TOLERANCE_SECONDS: undefined }
  const namespace = () => (env as unknown as { TEST_SESSIONS: KVNamespace }).TEST_SESSIONS

  it('Should read the record under the prefix and map it like claims', async () => {
    await namespace().put('sess:abc123', JSON.stringify({ sub: 'member-kv', name: 'Kay' }))
    const response = await fetchWithEnv(tokenRequest('abc123'), { ...kv, ...jwtOff })
    expect((await widgetToken(response)).claims.attributes).toMatchObject({ memberId: 'member-kv', name: 'Kay' })
  })

  it('Should treat a missing record as nobody signed in, and a broken one as unavailable', async () => {
    expect(await errorCode(await fetchWithEnv(tokenRequest('nope'), { ...kv, ...jwtOff }))).toBe('SESSION_MISSING')
    await namespace().put('sess:broken', '{not json')
    expect(await errorCode(await fetchWithEnv(tokenRequest('broken'), { ...kv, ...jwtOff }))).toBe(
      'SESSION_UNAVAILABLE',
    )
  })
})
