/**
 * @module Session claims → Amazon Connect contact fields, following the configured mapping.
 *
 * Values become strings (the widget refuses anything else); a required field that cannot be
 * filled is an error, an optional one is left out and reported: `absent` when the session lacks
 * its claim (a typo in `claim` shows there), `skipped` when the claim cannot be used.
 */
import { ConfigError, configInvalid, TokenServiceError } from './errors.ts'
import { fitsTarget, literalRule, type MappingRule } from './mapping.ts'
import { isRawJson } from './session/exact-json.ts'

/**
 * What a library user's mapping function returns for a visitor's claims: the token's fields,
 * every value a string. It is held to the contract's rules like any mapping (names, lengths).
 */
export interface ContactFieldValues {
  attributes?: Record<string, string>
  customerId?: string
  relatedContactId?: string
  segmentAttributes?: Record<string, string>
}

export type MappingFunction = (claims: Record<string, unknown>) => ContactFieldValues

/** A widget's mapping: `CONTACT_MAPPING`'s rules, or (in your own app) a function of the claims. */
export type ContactRules = readonly MappingRule[] | MappingFunction

export function isMappingFunction(mapping: unknown): mapping is MappingFunction {
  return typeof mapping === 'function'
}

/** A mapped value, still carrying its rule so the token can drop it by importance. */
export interface ContactField {
  rule: MappingRule
  value: string
}

/** An optional field left out because its claim could not be used. */
export interface SkippedField {
  to: string
  reason: SkipReason
}

type SkipReason = 'not_a_scalar' | 'out_of_range'

export interface ContactMapping {
  fields: ContactField[]
  skipped: SkippedField[]
  /** The `to` of each optional field whose claim the session lacks (and that has no default). */
  absent: string[]
}

export function mapSessionToContact(claims: Record<string, unknown>, rules: ContactRules): ContactMapping {
  if (isMappingFunction(rules)) return mapWithFunction(claims, rules)
  const fields: ContactField[] = []
  const skipped: SkippedField[] = []
  const absent: string[] = []
  for (const rule of rules) {
    const raw = rule.source.kind === 'literal' ? rule.source.value : readClaim(claims, rule.source.path)
    if (raw === undefined || raw === null) {
      if (rule.fallback !== undefined) fields.push({ rule, value: rule.fallback })
      else if (rule.required) throw new TokenServiceError('SESSION_CLAIM_MISSING', `missing_${rule.to}`)
      else absent.push(rule.to)
      continue
    }
    // An empty claim identifies nobody: a required field needs text (`sub: ""` is no member id).
    if (raw === '' && rule.required) throw new TokenServiceError('SESSION_CLAIM_MISSING', `empty_${rule.to}`)
    const value = claimText(raw, rule.serializeJson)
    if (value !== undefined && fitsTarget(rule.target, value)) {
      fields.push({ rule, value })
      continue
    }
    const reason: SkipReason = value === undefined ? 'not_a_scalar' : 'out_of_range'
    if (rule.required) throw new TokenServiceError('SESSION_CLAIM_INVALID', `${reason}_${rule.to}`)
    skipped.push({ to: rule.to, reason })
  }
  return { fields, skipped, absent }
}

const FUNCTION_RESULT_KEYS = ['attributes', 'segmentAttributes', 'customerId', 'relatedContactId']

/**
 * A mapping function's fields, each held to the rules a configured field meets. What the app's
 * code gets wrong is the app's: a function that throws is `500 INTERNAL_ERROR` (its name logged,
 * never its message, which may hold the claims), a result of the wrong shape (not an object, an
 * unknown key, a value that is not a string, a name the widget refuses) is `500 CONFIG_INVALID`.
 * What the visitor's data gets wrong is the visitor's: every field is required (a function has
 * no order of importance to drop by), so a value out of its length limits is
 * `403 SESSION_CLAIM_INVALID`, and an empty one `403 SESSION_CLAIM_MISSING`.
 */
function mapWithFunction(claims: Record<string, unknown>, map: MappingFunction): ContactMapping {
  let values: unknown
  try {
    values = map(claims)
  } catch (error) {
    const name = error instanceof Error ? error.name : typeof error
    throw new TokenServiceError('INTERNAL_ERROR', 'mapping_function_threw', { log: { error: name } })
  }
  const fields: ContactField[] = []
  for (const [to, value] of functionEntries(values)) {
    if (typeof value !== 'string') throw wrongResult(to, `must be a string, got ${describe(value)}`)
    let rule: MappingRule
    try {
      // The name alone first: a value never decides whether the app named a field the widget accepts.
      rule = literalRule(to, 'x')
    } catch (error) {
      if (error instanceof ConfigError) throw wrongResult(to, error.problem)
      throw error
    }
    if (value === '') throw new TokenServiceError('SESSION_CLAIM_MISSING', `empty_${to}`)
    if (!fitsTarget(rule.target, value)) throw new TokenServiceError('SESSION_CLAIM_INVALID', `out_of_range_${to}`)
    fields.push({ rule: literalRule(to, value), value })
  }
  return { fields, skipped: [], absent: [] }
}

function functionEntries(values: unknown): [string, unknown][] {
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw wrongResult('', `must return an object such as { attributes: { … } }, got ${describe(values)}`)
  }
  const result = values as Record<string, unknown>
  for (const key of Object.keys(result)) {
    if (!FUNCTION_RESULT_KEYS.includes(key)) {
      throw wrongResult(key, `is not a field of the token; use ${FUNCTION_RESULT_KEYS.join(', ')}`)
    }
  }
  const within = (group: 'attributes' | 'segmentAttributes'): [string, unknown][] => {
    const names = result[group]
    if (names === undefined) return []
    if (names === null || typeof names !== 'object' || Array.isArray(names)) {
      throw wrongResult(group, `must be an object of names and strings, got ${describe(names)}`)
    }
    return Object.entries(names).map(([name, value]): [string, unknown] => [`${group}.${name}`, value])
  }
  return [
    ...within('attributes'),
    ...within('segmentAttributes'),
    ...(['customerId', 'relatedContactId'] as const).flatMap((to): [string, unknown][] =>
      result[to] === undefined ? [] : [[to, result[to]]],
    ),
  ]
}

/** The app's mapping function returned what no token can hold: its key and problem go to the log, never a value. */
function wrongResult(to: string, problem: string): TokenServiceError {
  return configInvalid([new ConfigError(to ? `mapping(): ${to}` : 'mapping()', problem)])
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value
}

/**
 * What the token would carry for these claims, as text: two sessions that give the same are one
 * visitor as far as the widget can tell (the copies rule in `session/source.ts` compares these).
 */
export function contactIdentity(claims: Record<string, unknown>, rules: ContactRules): string {
  try {
    return JSON.stringify(mapSessionToContact(claims, rules).fields.map(({ rule, value }) => [rule.to, value]))
  } catch (error) {
    if (error instanceof TokenServiceError) return `refused: ${error.reason}`
    throw error
  }
}

function readClaim(claims: Record<string, unknown>, path: readonly string[]): unknown {
  let current: unknown = claims
  for (const segment of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined
    if (!Object.hasOwn(current, segment)) return undefined
    current = (current as Record<string, unknown>)[segment]
  }
  return current
}

/**
 * Strings pass; numbers become their exact source text (or, without it, their text when that
 * is exact); booleans their text; objects and arrays only as JSON on request.
 */
function claimText(raw: unknown, serializeJson: boolean): string | undefined {
  switch (typeof raw) {
    case 'string':
      return raw
    case 'number':
      return Number.isFinite(raw) && (!Number.isInteger(raw) || Number.isSafeInteger(raw)) ? String(raw) : undefined
    case 'boolean':
      return String(raw)
    case 'object':
      if (isRawJson(raw)) return raw.rawJSON
      return serializeJson ? JSON.stringify(raw) : undefined
    default:
      return undefined
  }
}
