/**
 * @module Session claims parsed with every number exactly as written: a member id of
 * 9007199254740993 must not become 9007199254740992 on its way into an attribute.
 *
 * JSON.parse's reviver sees each number's source text (`context.source`, in the Workers
 * runtime); numbers are kept as `JSON.rawJSON(source)`, which the mapping reads as text and
 * `JSON.stringify` writes back unchanged. Where a runtime lacks source text, numbers stay
 * numbers and the mapping refuses those that cannot be carried exactly.
 */

/** A number kept as its JSON source text. */
export interface RawJson {
  readonly rawJSON: string
}

interface JsonWithRaw {
  rawJSON?(text: string): RawJson
  isRawJSON?(value: unknown): value is RawJson
}

const json = JSON as JsonWithRaw

export function parseExactly(text: string): unknown {
  const { rawJSON } = json
  if (!rawJSON) return JSON.parse(text)
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && context?.source !== undefined ? rawJSON(context.source) : value,
  )
}

export function isRawJson(value: unknown): value is RawJson {
  return json.isRawJSON?.(value) ?? false
}

/** A claim as a number, whether kept as source text or not; `undefined` when it is none. */
export function claimNumber(value: unknown): number | undefined {
  const number = isRawJson(value) ? Number(value.rawJSON) : value
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined
}

/** A claim as text for keys and comparisons: strings as they are, numbers exactly as written. */
export function claimKey(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (isRawJson(value)) return value.rawJSON
  return typeof value === 'number' ? String(value) : undefined
}
