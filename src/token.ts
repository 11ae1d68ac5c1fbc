/**
 * @module Contact fields → the signed Amazon Connect widget token. The only place that signs.
 *
 * The token must stay within the widget's 3,072-character limit. HS256 output length is
 * fixed by the payload's length, so the budget is settled before signing: optional fields
 * are dropped, least important first, until it fits; then the token is signed once.
 */
import { CompactSign } from 'jose'
import { encode as encodeBase64url } from 'jose/base64url'
import type { ContactField } from './attributes.ts'
import { MAX_TOKEN_CHARS, WIDGET_TOKEN_ALGORITHM } from './constants.ts'
import { TokenServiceError } from './errors.ts'

export interface WidgetTokenConfig {
  /** The widget id from the Connect snippet: the token's `sub`. */
  widgetId: string
  ttlSeconds: number
  /** The widget's security key as an HMAC-SHA-256 `CryptoKey`, imported once per isolate. */
  key: CryptoKey
}

export interface WidgetToken {
  token: string
  /** The `to` of each optional field left out to fit the size limit, in the order dropped. */
  dropped: string[]
}

/** The JOSE header the widget documents, in its documented order. */
const HEADER = { alg: WIDGET_TOKEN_ALGORITHM, typ: 'JWT' } as const
const ENCODED_HEADER_LENGTH = encodeBase64url(JSON.stringify(HEADER)).length
/** An HMAC-SHA-256 signature is 32 bytes: 43 base64url characters. */
const ENCODED_SIGNATURE_LENGTH = 43

const encoder = new TextEncoder()

export async function issueWidgetToken(
  fields: readonly ContactField[],
  config: WidgetTokenConfig,
  nowSeconds: number,
): Promise<WidgetToken> {
  const kept = [...fields]
  const dropped: string[] = []
  let payload = encodePayload(kept, config, nowSeconds)
  while (encodedTokenLength(payload.byteLength) > MAX_TOKEN_CHARS) {
    const leastImportant = kept.findLastIndex((field) => !field.rule.required)
    if (leastImportant === -1) {
      throw new TokenServiceError('TOKEN_TOO_LARGE', `required_fields_${encodedTokenLength(payload.byteLength)}_chars`)
    }
    dropped.push(kept[leastImportant].rule.to)
    kept.splice(leastImportant, 1)
    payload = encodePayload(kept, config, nowSeconds)
  }
  // CompactSign signs exactly the bytes measured above.
  const token = await new CompactSign(payload).setProtectedHeader(HEADER).sign(config.key)
  return { token, dropped }
}

/** The length of the compact token for a payload of `payloadBytes` UTF-8 bytes. */
export function encodedTokenLength(payloadBytes: number): number {
  return ENCODED_HEADER_LENGTH + 1 + Math.ceil((payloadBytes * 4) / 3) + 1 + ENCODED_SIGNATURE_LENGTH
}

/** The widget's claims, in the order of Amazon's samples; empty groups are left out. */
export function widgetClaims(
  fields: readonly ContactField[],
  config: Pick<WidgetTokenConfig, 'widgetId' | 'ttlSeconds'>,
  nowSeconds: number,
): Record<string, unknown> {
  const attributes: Record<string, string> = {}
  const segmentAttributes: Record<string, { ValueString: string }> = {}
  const contactIds: Record<string, string> = {}
  for (const { rule, value } of fields) {
    const { target } = rule
    if (target.kind === 'attribute') attributes[target.name] = value
    else if (target.kind === 'segmentAttribute') segmentAttributes[target.name] = { ValueString: value }
    else contactIds[target.kind] = value
  }
  return {
    sub: config.widgetId,
    iat: nowSeconds,
    exp: nowSeconds + config.ttlSeconds,
    ...(Object.keys(attributes).length > 0 && { attributes }),
    ...contactIds,
    ...(Object.keys(segmentAttributes).length > 0 && { segmentAttributes }),
  }
}

function encodePayload(fields: readonly ContactField[], config: WidgetTokenConfig, nowSeconds: number): Uint8Array {
  return encoder.encode(JSON.stringify(widgetClaims(fields, config, nowSeconds)))
}
