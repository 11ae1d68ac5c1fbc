import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { errorCode, fetchWithEnv, tokenRequest, WITHOUT_DEMO_JWT, widgetToken } from './helpers'

/** A session id as express-session writes them (uid-safe, 24 bytes as base64url). */
const KAY = 'Kq3Yx7bS0mJv2fT9wLpZr4uN8cEaHdG1'

describe('Workers KV sessions', () => {
  const kv = { SESSION_SOURCE: 'kv', SESSION_KV_BINDING: 'TEST_SESSIONS', SESSION_KV_PREFIX: 'sess:' }
  const jwtOff = { ...WITHOUT_DEMO_JWT, SESSION_CLOCK_TOLERANCE_SECONDS: undefined }
  const namespace = () => (env as unknown as { TEST_SESSIONS: KVNamespace }).TEST_SESSIONS

  it('Should read the record under the prefix and map it like claims', async () => {
    await namespace().put(`sess:${KAY}`, JSON.stringify({ sub: 'member-kv', name: 'Kay' }))
    const response = await fetchWithEnv(tokenRequest(KAY), { ...kv, ...jwtOff })
    expect((await widgetToken(response)).claims.attributes).toMatchObject({ memberId: 'member-kv', name: 'Kay' })
  })

  it('Should treat a missing record as nobody signed in, and a broken one as unavailable', async () => {
    expect(
      await errorCode(await fetchWithEnv(tokenRequest('nobody-has-this-session-id-0001'), { ...kv, ...jwtOff })),
    ).toBe('SESSION_MISSING')
    await namespace().put('sess:broken-record-session-id-0001', '{not json')
    expect(
      await errorCode(await fetchWithEnv(tokenRequest('broken-record-session-id-0001'), { ...kv, ...jwtOff })),
    ).toBe('SESSION_UNAVAILABLE')
  })
})
