import { jwtVerify } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { mapSessionToContact } from '../../src/attributes'
import { MAX_ATTRIBUTES_TOTAL_BYTES, MAX_TOKEN_CHARS } from '../../src/constants'
import { TokenServiceError } from '../../src/errors'
import { parseMapping } from '../../src/mapping'
import { encodedTokenLength, issueWidgetToken, type WidgetTokenConfig, widgetClaims } from '../../src/token'
import { TEST_CONNECT_SECRET } from '../support/secrets'
import { errorCode, fetchWorker, JANE, sessionCookie, tokenRequest, widgetToken } from './helpers'

afterEach(() => {
  vi.restoreAllMocks()
})

const NOW = 1_800_000_000
const secretBytes = new TextEncoder().encode(TEST_CONNECT_SECRET)
const config: WidgetTokenConfig = {
  widgetId: 'widget-123',
  ttlSeconds: 300,
  key: await crypto.subtle.importKey('raw', secretBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
}

const RULES = parseMapping('M', [
  { to: 'attributes.id', claim: 'id', required: true },
  { to: 'attributes.b', claim: 'b' },
  { to: 'attributes.c', claim: 'c' },
  { to: 'attributes.d', claim: 'd' },
])

function fieldsFor(claims: Record<string, unknown>) {
  return mapSessionToContact(claims, RULES).fields
}

function predictedLength(claims: Record<string, unknown>): number {
  const payload = JSON.stringify(widgetClaims(fieldsFor(claims), config, NOW))
  return encodedTokenLength(new TextEncoder().encode(payload).byteLength)
}

/** The `d` value length that makes the token exactly `target` characters long. */
function paddingFor(target: number, claims: Record<string, unknown>): number {
  for (let length = 0; length < 4 * MAX_TOKEN_CHARS; length++) {
    if (predictedLength({ ...claims, d: 'x'.repeat(length) }) === target) return length
  }
  throw new Error(`no padding gives ${target} characters`)
}

describe('The size budget', () => {
  it.each([
    ['no attributes', {}],
    ['ASCII', { id: 'member-1', b: 'Jane' }],
    ['multi-byte text', { id: '회원-1', b: '김지아', c: 'Zoë 🚀' }],
    ['JSON escapes', { id: 'a"b\\c\n', b: '\u0001' }],
  ])('Should predict the encoded length exactly for %s', async (_, claims) => {
    const { token } = await issueWidgetToken(fieldsFor({ id: 'x', ...claims }), config, NOW)
    expect(token.length).toBe(predictedLength({ id: 'x', ...claims }))
  })

  it('Should issue a token of exactly 3,072 characters intact', async () => {
    const claims = { id: 'member-1', b: 'b', c: 'c' }
    const d = 'x'.repeat(paddingFor(MAX_TOKEN_CHARS, claims))
    const { token, dropped } = await issueWidgetToken(fieldsFor({ ...claims, d }), config, NOW)
    expect(token.length).toBe(MAX_TOKEN_CHARS)
    expect(dropped).toEqual([])
  })

  it('Should drop the least important optional field when one more character would overflow', async () => {
    const claims = { id: 'member-1', b: 'b', c: 'c' }
    const d = 'x'.repeat(paddingFor(MAX_TOKEN_CHARS, claims) + 1)
    const { token, dropped } = await issueWidgetToken(fieldsFor({ ...claims, d }), config, NOW)
    expect(dropped).toEqual(['attributes.d'])
    expect(token.length).toBeLessThanOrEqual(MAX_TOKEN_CHARS)
  })

  it('Should drop from the bottom of the mapping up, and only as many as needed', async () => {
    const claims = { id: 'member-1', b: 'keep me', c: 'y'.repeat(3_000), d: 'small' }
    const { token, dropped } = await issueWidgetToken(fieldsFor(claims), config, NOW)
    expect(dropped).toEqual(['attributes.d', 'attributes.c'])
    const { payload } = await jwtVerify(token, secretBytes)
    expect(payload.attributes).toEqual({ id: 'member-1', b: 'keep me' })
  })

  it('Should refuse with TOKEN_TOO_LARGE when the required fields alone overflow', async () => {
    const error = await issueWidgetToken(fieldsFor({ id: 'z'.repeat(3_000), b: 'b' }), config, NOW).catch((e) => e)
    expect(error).toBeInstanceOf(TokenServiceError)
    expect(error.code).toBe('TOKEN_TOO_LARGE')
  })

  it('Should make the 32,768-byte attribute limit unreachable: the token limit is far tighter', () => {
    const largestPayloadBytes = Math.floor(((MAX_TOKEN_CHARS - encodedTokenLength(0)) * 3) / 4)
    expect(largestPayloadBytes).toBeLessThan(MAX_ATTRIBUTES_TOTAL_BYTES)
  })
})

describe('The widget claims', () => {
  it('Should place every kind of field where StartChatContact expects it', () => {
    const rules = parseMapping('M', [
      { to: 'attributes.name', claim: 'name' },
      { to: 'customerId', claim: 'crm' },
      { to: 'relatedContactId', claim: 'last' },
      { to: 'segmentAttributes.connect:Subtype', value: 'connect:Guide' },
    ])
    const { fields } = mapSessionToContact({ name: 'Jane', crm: 'C-1', last: 'contact-1' }, rules)
    expect(widgetClaims(fields, config, NOW)).toEqual({
      sub: 'widget-123',
      iat: NOW,
      exp: NOW + 300,
      attributes: { name: 'Jane' },
      customerId: 'C-1',
      relatedContactId: 'contact-1',
      segmentAttributes: { 'connect:Subtype': { ValueString: 'connect:Guide' } },
    })
  })

  it('Should leave out attributes entirely when none are mapped', () => {
    expect(widgetClaims([], config, NOW)).toEqual({ sub: 'widget-123', iat: NOW, exp: NOW + 300 })
  })
})

describe('GET /token when the session would overflow the token', () => {
  it('Should drop optional attributes bottom-up, name them in a header and a log, and answer 200', async () => {
    const warn = vi.spyOn(console, 'warn')
    const cookie = await sessionCookie({ ...JANE, email: `${'e'.repeat(2_500)}@example.com` })
    const response = await fetchWorker(tokenRequest(cookie))
    expect(response.status).toBe(200)
    // wrangler.toml lists email, tier, channel last: the two smaller ones go first.
    const dropped = ['attributes.channel', 'attributes.tier', 'attributes.email']
    expect(response.headers.get('X-Connect-Dropped-Attributes')).toBe(dropped.join(', '))
    const { token, claims } = await widgetToken(response)
    expect(token.length).toBeLessThanOrEqual(MAX_TOKEN_CHARS)
    expect(claims.attributes).toEqual({ memberId: JANE.sub, name: JANE.name })
    const logged = warn.mock.calls.map((call) => JSON.parse(String(call[0])))
    expect(logged).toEqual([expect.objectContaining({ event: 'request', outcome: 'TOKEN_ISSUED', dropped })])
  })

  it('Should answer 422 TOKEN_TOO_LARGE when a required attribute cannot fit', async () => {
    const response = await fetchWorker(tokenRequest(await sessionCookie({ ...JANE, name: 'n'.repeat(2_800) })))
    expect(response.status).toBe(422)
    expect(await errorCode(response)).toBe('TOKEN_TOO_LARGE')
  })
})
