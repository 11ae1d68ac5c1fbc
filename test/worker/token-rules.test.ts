import { base64url, CompactSign } from 'jose'
import { describe, expect, it } from 'vitest'
import { inspectWidgetToken } from '../../src/token-rules'
import { TEST_CONNECT_SECRET } from '../support/secrets'
import { fetchWorker, sessionCookie, tokenRequest, widgetToken } from './helpers'

const key = new TextEncoder().encode(TEST_CONNECT_SECRET)
const NOW = 1_800_000_000

/** A token with these claims and header, signed with the test widget key. */
function craft(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }) {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader(header as never).sign(key)
}

const GOOD = { sub: 'demo-widget-id', iat: NOW, exp: NOW + 300, attributes: { name: 'Jane' } }

async function failedRules(token: string, options = {}) {
  const inspection = await inspectWidgetToken(token, { key, nowSeconds: NOW, ...options })
  return inspection.rules.filter((rule) => rule.verdict === 'fail').map((rule) => rule.rule)
}

describe('inspectWidgetToken', () => {
  it('Should pass every rule for a token the Worker issued, verified with its key', async () => {
    const { token } = await widgetToken(await fetchWorker(tokenRequest(await sessionCookie())))
    const inspection = await inspectWidgetToken(token, { key, widgetId: 'demo-widget-id' })
    expect(inspection.valid).toBe(true)
    expect(inspection.rules.map((rule) => rule.verdict)).not.toContain('skip')
    expect(inspection.claims?.attributes).toMatchObject({ name: 'Jane Doe' })
  })

  it('Should skip the signature, and only it, when no key is given', async () => {
    const inspection = await inspectWidgetToken(await craft(GOOD), { nowSeconds: NOW })
    expect(inspection.valid).toBe(true)
    expect(inspection.rules.filter((rule) => rule.verdict === 'skip').map((rule) => rule.rule)).toEqual(['signature'])
  })

  it.each([
    ['a lifetime over 10 minutes', { ...GOOD, exp: NOW + 601 }, ['lifetime']],
    ['an expired token', { ...GOOD, iat: NOW - 400, exp: NOW - 100 }, ['not expired']],
    ['no iat', { ...GOOD, iat: undefined }, ['iat and exp']],
    ['a number attribute', { ...GOOD, attributes: { age: 42 } }, ['attributes']],
    ['an attribute key with a space', { ...GOOD, attributes: { 'first name': 'J' } }, ['attributes']],
    ['a bare segment attribute', { ...GOOD, segmentAttributes: { 'connect:Subtype': 'x' } }, ['segmentAttributes']],
    ['an empty customerId', { ...GOOD, customerId: '' }, ['customerId']],
    ['a long relatedContactId', { ...GOOD, relatedContactId: 'x'.repeat(257) }, ['relatedContactId']],
    ['too many characters', { ...GOOD, attributes: { big: 'x'.repeat(2400) } }, ['size']],
  ])('Should fail %s', async (_, claims, rules) => {
    expect(await failedRules(await craft(claims))).toEqual(rules)
  })

  it('Should fail another widget id, another algorithm and another key', async () => {
    expect(await failedRules(await craft(GOOD), { widgetId: 'other-widget' })).toEqual(['sub'])
    expect(await failedRules(await craft(GOOD, { alg: 'HS512', typ: 'JWT' }))).toEqual(['header', 'signature'])
    const other = new TextEncoder().encode('another-key-another-key-another-key-12345678')
    expect(await failedRules(await craft(GOOD), { key: other })).toEqual(['signature'])
  })

  it('Should fail something that is not a token at all', async () => {
    expect(await failedRules('not-a-token')).toEqual(['compact JWS'])
    expect(await failedRules(`${base64url.encode('[]')}.e30.x`)).toEqual(['compact JWS'])
  })
})
