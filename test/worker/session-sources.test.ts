import { describe, expect, it } from 'vitest'
import { readConfig } from '../../src/config'
import { InvalidConfigError } from '../../src/errors'
import { demoEnv } from './helpers'
import { GUESTS, introspection } from './site-support'

describe('Source and guard settings, checked like every other', () => {
  async function keys(overrides: Record<string, unknown>) {
    const error = await readConfig({ ...demoEnv(), ...overrides }).catch((caught: unknown) => caught)
    return error instanceof InvalidConfigError ? error.keys.sort() : []
  }

  it.each([
    [{ SESSION_SOURCE: 'cookie' }, ['SESSION_SOURCE']],
    [introspection('http://site.example.com/me'), ['SESSION_INTROSPECTION_URL']],
    [introspection('https://site.example.com/me', { SESSION_ISSUER: 'x' }), ['SESSION_ISSUER']],
    [
      { ...introspection('https://x.example'), SESSION_SOURCE: 'kv', SESSION_KV_BINDING: 'NOPE' },
      ['SESSION_INTROSPECTION_URL', 'SESSION_KV_BINDING', 'SESSION_KV_PREFIX'],
    ],
    [{ SESSION_KV_PREFIX: 'sess:' }, ['SESSION_KV_PREFIX']],
    [{ ...GUESTS, ANONYMOUS_MAPPING: [{ to: 'attributes.name', claim: 'name' }] }, ['ANONYMOUS_MAPPING[0]']],
    [{ ANONYMOUS_MAPPING: GUESTS.ANONYMOUS_MAPPING }, ['ANONYMOUS_MAPPING']],
    [{ ANONYMOUS_POLICY: 'maybe' }, ['ANONYMOUS_POLICY']],
    [{ RATE_LIMIT_BINDING: 'NOT_BOUND' }, ['RATE_LIMIT_BINDING']],
    [
      { SESSION_COOKIE_SIGNATURE: 'rails', ...introspection('https://site.example.com/me') },
      ['SESSION_COOKIE_SIGNATURE'],
    ],
  ])('Should refuse %j', async (overrides, expected) => {
    expect(await keys(overrides)).toEqual(expected)
  })
})
