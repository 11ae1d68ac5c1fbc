/**
 * @module The widget's contract as checks over a finished token, rule by rule, for the
 * people who debug a chat that will not start: the token inspector (`npm run inspect`) and
 * the development demo page. The Worker's own path keeps these rules by construction.
 *
 * Every rule cites `docs/CONNECT-WIDGET-CONTRACT.md` through `constants.ts`.
 */
import { base64url, compactVerify } from 'jose'
import { isRecord } from './config/values.ts'
import {
  ATTRIBUTE_KEY_PATTERN,
  MAX_ATTRIBUTE_KEY_LENGTH,
  MAX_ATTRIBUTE_VALUE_LENGTH,
  MAX_ATTRIBUTES_TOTAL_BYTES,
  MAX_CUSTOMER_ID_LENGTH,
  MAX_RELATED_CONTACT_ID_LENGTH,
  MAX_TOKEN_BYTES,
  MAX_TOKEN_CHARS,
  MAX_TOKEN_TTL_SECONDS,
  WIDGET_TOKEN_ALGORITHM,
} from './constants.ts'

/** `pass`, `fail`, or `skip` for a rule that could not be checked (no key given). */
export type Verdict = 'pass' | 'fail' | 'skip'

export interface RuleResult {
  rule: string
  verdict: Verdict
  detail: string
}

export interface TokenInspection {
  header?: Record<string, unknown>
  claims?: Record<string, unknown>
  rules: RuleResult[]
  /** True when no rule failed. */
  valid: boolean
}

export interface InspectOptions {
  /** The widget's security key, to verify the signature; without it that rule is skipped. */
  key?: CryptoKey | Uint8Array
  /** The expected widget id (`sub`). */
  widgetId?: string
  nowSeconds?: number
}

const encoder = new TextEncoder()

export async function inspectWidgetToken(token: string, options: InspectOptions = {}): Promise<TokenInspection> {
  const rules: RuleResult[] = []
  const check = (rule: string, ok: boolean, detail: string) =>
    rules.push({ rule, verdict: ok ? 'pass' : 'fail', detail })
  // The widget counts the token as UTF-16: two bytes a character.
  check(
    'size',
    token.length <= MAX_TOKEN_CHARS,
    `${token.length} of ${MAX_TOKEN_CHARS} characters (${token.length * 2} of ${MAX_TOKEN_BYTES} bytes as the widget counts them)`,
  )
  const parts = token.split('.')
  const header = parts.length === 3 ? decodeJson(parts[0]) : undefined
  const claims = parts.length === 3 ? decodeJson(parts[1]) : undefined
  if (!header || !claims) {
    check('compact JWS', false, 'not three base64url parts of JSON objects')
    return { rules, valid: false }
  }
  check(
    'header',
    header.alg === WIDGET_TOKEN_ALGORITHM && (header.typ === undefined || header.typ === 'JWT'),
    `alg ${String(header.alg)}, typ ${String(header.typ)} (the widget takes HS256, typ JWT)`,
  )
  checkClaims(claims, options, check)
  rules.push(await signatureRule(token, options.key))
  return { header, claims, rules, valid: rules.every((result) => result.verdict !== 'fail') }
}

function checkClaims(
  claims: Record<string, unknown>,
  options: InspectOptions,
  check: (rule: string, ok: boolean, detail: string) => void,
): void {
  const { sub, iat, exp } = claims
  const subOk = typeof sub === 'string' && sub !== '' && (options.widgetId === undefined || sub === options.widgetId)
  check(
    'sub',
    subOk,
    `${JSON.stringify(sub)}${options.widgetId ? ` (expected ${JSON.stringify(options.widgetId)})` : ''}`,
  )
  const timesOk = Number.isInteger(iat) && Number.isInteger(exp)
  check('iat and exp', timesOk, timesOk ? `iat ${iat}, exp ${exp}` : 'both must be whole NumericDates')
  if (timesOk) {
    const lifetime = (exp as number) - (iat as number)
    check(
      'lifetime',
      lifetime > 0 && lifetime <= MAX_TOKEN_TTL_SECONDS,
      `${lifetime} s (at most ${MAX_TOKEN_TTL_SECONDS})`,
    )
    const now = options.nowSeconds ?? Math.floor(Date.now() / 1000)
    check('not expired', (exp as number) > now, `${(exp as number) - now} s left`)
  }
  if (claims.attributes !== undefined) check('attributes', ...attributesVerdict(claims.attributes))
  if (claims.segmentAttributes !== undefined) check('segmentAttributes', ...segmentsVerdict(claims.segmentAttributes))
  for (const [name, max] of [
    ['customerId', MAX_CUSTOMER_ID_LENGTH],
    ['relatedContactId', MAX_RELATED_CONTACT_ID_LENGTH],
  ] as const) {
    const value = claims[name]
    if (value === undefined) continue
    const ok = typeof value === 'string' && value.length >= 1 && value.length <= max
    check(name, ok, `${typeof value === 'string' ? `${value.length} characters` : typeof value} (1–${max})`)
  }
}

function attributesVerdict(attributes: unknown): [boolean, string] {
  if (!isRecord(attributes)) return [false, 'must be an object']
  const entries = Object.entries(attributes)
  const badKey = entries.find(([key]) => !ATTRIBUTE_KEY_PATTERN.test(key) || key.length > MAX_ATTRIBUTE_KEY_LENGTH)
  if (badKey) return [false, `key ${JSON.stringify(badKey[0])}: only letters, digits, "-" and "_"`]
  const badValue = entries.find(([, value]) => typeof value !== 'string' || value.length > MAX_ATTRIBUTE_VALUE_LENGTH)
  if (badValue) return [false, `${badValue[0]}: every value must be a string (the chat fails to start otherwise)`]
  const total = entries.reduce((sum, [key, value]) => sum + encoder.encode(key + value).byteLength, 0)
  if (total > MAX_ATTRIBUTES_TOTAL_BYTES) return [false, `${total} bytes of keys and values (at most 32,768)`]
  return [true, `${entries.length} string value${entries.length === 1 ? '' : 's'}, ${total} bytes`]
}

function segmentsVerdict(segments: unknown): [boolean, string] {
  if (!isRecord(segments)) return [false, 'must be an object']
  const bad = Object.entries(segments).find(([, value]) => !isRecord(value) || typeof value.ValueString !== 'string')
  if (bad) return [false, `${bad[0]}: must be { "ValueString": "…" }`]
  return [true, `${Object.keys(segments).length} with ValueString`]
}

async function signatureRule(token: string, key: InspectOptions['key']): Promise<RuleResult> {
  if (!key) return { rule: 'signature', verdict: 'skip', detail: 'not checked: no key given' }
  try {
    await compactVerify(token, key, { algorithms: [WIDGET_TOKEN_ALGORITHM] })
    return { rule: 'signature', verdict: 'pass', detail: 'HS256, verified with the given key' }
  } catch {
    return { rule: 'signature', verdict: 'fail', detail: 'does not verify with the given key (the widget answers 401)' }
  }
}

function decodeJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(segment)))
    return isRecord(value) ? value : undefined
  } catch {
    return undefined
  }
}
