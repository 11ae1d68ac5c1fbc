/**
 * @module Session claims → Amazon Connect contact fields, following the configured mapping.
 *
 * Values become strings (the widget refuses anything else); a required field that cannot be
 * filled is an error, an optional one is left out and reported: `absent` when the session lacks
 * its claim (a typo in `claim` shows there), `skipped` when the claim cannot be used.
 */
import { MAX_ATTRIBUTE_VALUE_LENGTH, MAX_CUSTOMER_ID_LENGTH, MAX_RELATED_CONTACT_ID_LENGTH } from './constants'
import { TokenServiceError } from './errors'
import type { FieldTarget, MappingRule } from './mapping'
import { isRawJson } from './session/exact-json'

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

export function mapSessionToContact(claims: Record<string, unknown>, rules: readonly MappingRule[]): ContactMapping {
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
 * What the token would carry for these claims, as text: two sessions that give the same are one
 * visitor as far as the widget can tell (the copies rule in `session/source.ts` compares these).
 */
export function contactIdentity(claims: Record<string, unknown>, rules: readonly MappingRule[]): string {
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

/** The length limits StartChatContact sets for each field (CONNECT-WIDGET-CONTRACT.md). */
export function fitsTarget(target: FieldTarget, value: string): boolean {
  switch (target.kind) {
    case 'attribute':
    case 'segmentAttribute':
      return value.length <= MAX_ATTRIBUTE_VALUE_LENGTH
    case 'customerId':
      return value.length >= 1 && value.length <= MAX_CUSTOMER_ID_LENGTH
    case 'relatedContactId':
      return value.length >= 1 && value.length <= MAX_RELATED_CONTACT_ID_LENGTH
  }
}
