/**
 * @module The contact mapping: how operators declare, in `CONTACT_MAPPING`, where each
 * Amazon Connect field comes from. Parsed and validated once, when configuration loads.
 */

import { checkOptions } from './config/input.ts'
import { ConfigProblems } from './config/problems.ts'
import { isRecord, structured } from './config/values.ts'
import {
  ATTRIBUTE_KEY_PATTERN,
  MAX_ATTRIBUTE_KEY_LENGTH,
  MAX_ATTRIBUTE_VALUE_LENGTH,
  MAX_CUSTOMER_ID_LENGTH,
  MAX_RELATED_CONTACT_ID_LENGTH,
  MAX_SEGMENT_ATTRIBUTE_NAME_LENGTH,
} from './constants.ts'
import { ConfigError } from './errors.ts'

/** Where a value lands in the widget token. */
export type FieldTarget =
  | { kind: 'attribute'; name: string }
  | { kind: 'segmentAttribute'; name: string }
  | { kind: 'customerId' }
  | { kind: 'relatedContactId' }

/** Where a value comes from: a session claim (by path) or a literal. */
export type FieldSource = { kind: 'claim'; path: string[] } | { kind: 'literal'; value: string }

/** One entry of the mapping; the list order is the order of importance. */
export interface MappingRule {
  /** The `to` string as configured, e.g. `attributes.email`: used in logs and headers. */
  to: string
  target: FieldTarget
  source: FieldSource
  /** Used when the claim is absent or null. */
  fallback?: string
  required: boolean
  /** Objects and arrays become JSON text only when the rule says so. */
  serializeJson: boolean
}

const RULE_KEYS = ['to', 'claim', 'value', 'default', 'required', 'serialize']

export function parseMapping(key: string, raw: unknown): MappingRule[] {
  const entries = structured(key, raw ?? [])
  if (!Array.isArray(entries)) throw new ConfigError(key, 'must be a list of mapping entries')
  const problems = new ConfigProblems()
  const rules: MappingRule[] = []
  const seen = new Set<string>()
  for (const [index, entry] of entries.entries()) {
    const rule = problems.read(() => parseRule(`${key}[${index}]`, entry))
    if (!rule) continue
    const target = targetKey(rule.target)
    if (seen.has(target)) problems.add(`${key}[${index}].to`, `"${rule.to}" is mapped twice`)
    seen.add(target)
    rules.push(rule)
  }
  problems.throwIfAny()
  return rules
}

/** A required field of a fixed value, checked as a configured one is: a mapping function's result. */
export function literalRule(to: string, value: string): MappingRule {
  return parseRule(to, { to, value, required: true })
}

function targetKey(target: FieldTarget): string {
  return 'name' in target ? `${target.kind}.${target.name}` : target.kind
}

function parseRule(key: string, entry: unknown): MappingRule {
  if (!isRecord(entry)) throw new ConfigError(key, 'must be a table such as { to = "attributes.name", claim = "name" }')
  const unknown = new ConfigProblems()
  checkOptions(entry, RULE_KEYS, unknown, { key })
  unknown.throwIfAny()
  if (typeof entry.to !== 'string') throw new ConfigError(`${key}.to`, 'is required and must be a string')
  const hasClaim = entry.claim !== undefined
  if (hasClaim === (entry.value !== undefined)) {
    throw new ConfigError(key, 'needs exactly one of `claim` (from the session) or `value` (a literal)')
  }
  if (!hasClaim && (entry.default !== undefined || entry.serialize !== undefined)) {
    throw new ConfigError(key, '`default` and `serialize` only apply to a `claim`')
  }
  if (entry.required !== undefined && typeof entry.required !== 'boolean') {
    throw new ConfigError(`${key}.required`, 'must be true or false')
  }
  if (entry.serialize !== undefined && entry.serialize !== 'json') {
    throw new ConfigError(`${key}.serialize`, 'the only supported value is "json"')
  }
  const target = parseTarget(`${key}.to`, entry.to)
  const rule: MappingRule = {
    to: entry.to,
    target,
    source: hasClaim
      ? { kind: 'claim', path: parseClaimPath(`${key}.claim`, entry.claim) }
      : { kind: 'literal', value: scalarText(`${key}.value`, entry.value) },
    fallback: entry.default === undefined ? undefined : scalarText(`${key}.default`, entry.default),
    required: entry.required === true,
    serializeJson: entry.serialize === 'json',
  }
  const fixedValue = rule.source.kind === 'literal' ? rule.source.value : rule.fallback
  if (fixedValue !== undefined && !fitsTarget(target, fixedValue)) {
    throw new ConfigError(key, `the configured value does not fit ${entry.to}'s length limits`)
  }
  return rule
}

function parseTarget(key: string, to: string): FieldTarget {
  if (to === 'customerId' || to === 'relatedContactId') return { kind: to }
  const dot = to.indexOf('.')
  const group = to.slice(0, dot)
  const name = to.slice(dot + 1)
  // An object key that sets the prototype instead: the field would silently vanish.
  if (name === '__proto__') throw new ConfigError(key, '"__proto__" cannot be a field name')
  if (dot > 0 && group === 'attributes') {
    if (!ATTRIBUTE_KEY_PATTERN.test(name) || name.length > MAX_ATTRIBUTE_KEY_LENGTH) {
      throw new ConfigError(key, `attribute name "${name}" may hold only letters, digits, "-" and "_"`)
    }
    return { kind: 'attribute', name }
  }
  if (dot > 0 && group === 'segmentAttributes') {
    if (name === '' || name.length > MAX_SEGMENT_ATTRIBUTE_NAME_LENGTH) {
      throw new ConfigError(key, `segment attribute name must be 1–${MAX_SEGMENT_ATTRIBUTE_NAME_LENGTH} characters`)
    }
    return { kind: 'segmentAttribute', name }
  }
  throw new ConfigError(
    key,
    `"${to}" is not a widget token field; use attributes.NAME, segmentAttributes.NAME, customerId or relatedContactId`,
  )
}

/** `a.b.c`, or a list of segments for claim names that contain dots (`["https://x.example/", "tier"]`). */
function parseClaimPath(key: string, claim: unknown): string[] {
  const path = typeof claim === 'string' ? claim.split('.') : claim
  if (!Array.isArray(path) || path.length === 0 || !path.every((part) => typeof part === 'string' && part !== '')) {
    throw new ConfigError(key, 'must be a dot path such as "profile.tier", or a list of non-empty names')
  }
  return path
}

function scalarText(key: string, value: unknown): string {
  if (typeof value === 'string') return value
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value)
  throw new ConfigError(key, 'must be a string, number or boolean')
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
