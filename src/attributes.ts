/**
 * @module Session claims → Amazon Connect contact fields, following the configured mapping.
 *
 * Values become strings (the widget refuses anything else); a required field that cannot be
 * filled is an error, an optional one is left out and reported: `absent` when the session lacks
 * its claim (a typo in `claim` shows there), `skipped` when the claim cannot be used.
 */
import { ConfigError, TokenServiceError } from './errors.ts'
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

/**
 * A mapping function's fields, each held to the rules a configured field meets: every one is
 * required (a function has no order of importance to drop by), so a value that breaks a rule is
 * `403 SESSION_CLAIM_INVALID`, naming the field in the log.
 */
function mapWithFunction(claims: Record<string, unknown>, map: MappingFunction): ContactMapping {
  const values = map(claims)
  const entries: [string, unknown][] = [
    ...Object.entries(values.attributes ?? {}).map(([name, value]): [string, unknown] => [`attributes.${name}`, value]),
    ...Object.entries(values.segmentAttributes ?? {}).map(([name, value]): [string, unknown] => [
      `segmentAttributes.${name}`,
      value,
    ]),
    ...(['customerId', 'relatedContactId'] as const).flatMap((to): [string, unknown][] =>
      values[to] === undefined ? [] : [[to, values[to]]],
    ),
  ]
  const fields: ContactField[] = []
  for (const [to, value] of entries) {
    if (typeof value !== 'string') throw new TokenServiceError('SESSION_CLAIM_INVALID', `not_a_string_${to}`)
    let rule: MappingRule
    try {
      rule = literalRule(to, value)
    } catch (error) {
      if (error instanceof ConfigError) throw new TokenServiceError('SESSION_CLAIM_INVALID', `out_of_range_${to}`)
      throw error
    }
    fields.push({ rule, value })
  }
  return { fields, skipped: [], absent: [] }
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
