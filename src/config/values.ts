/**
 * @module Readers for raw Worker vars: each returns a typed value or throws a `ConfigError`
 * naming the key and saying how to fix it.
 *
 * Vars arrive as TOML values from `wrangler.toml`, or as plain strings when set with
 * `--var` or in the dashboard, so every reader accepts both forms. An empty value is a
 * mistake, never "off": `SESSION_ISSUER = ""` must not silently drop the issuer check.
 */
import { ConfigError, InvalidConfigError } from '../errors.ts'

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null
}

/**
 * Values left from a template: a deployment that carries one would fail in ways that are
 * hard to trace (a widget that refuses every token), so they are refused by name.
 */
const PLACEHOLDERS = [
  /replace[-_ ]?(with|me)/i,
  /^<[^>]*>$/,
  /^(changeme|change[-_]me|todo|tbd|fixme|placeholder|x{3,}|\.{3})$/i,
  /\byour[-_ ](widget|secret|key|security|issuer|domain|site|login|project)/i,
]

export function isPlaceholder(text: string): boolean {
  return PLACEHOLDERS.some((pattern) => pattern.test(text))
}

export interface StringRules {
  /** Multi-line values (a PEM) may carry surrounding white space; identifiers may not. */
  allowSurroundingSpace?: boolean
}

export function optionalString(key: string, value: unknown, rules: StringRules = {}): string | undefined {
  if (isAbsent(value)) return undefined
  if (typeof value !== 'string') throw new ConfigError(key, 'must be a string')
  if (value.trim() === '') throw new ConfigError(key, 'is empty: set a value, or leave it out where it has a default')
  if (!rules.allowSurroundingSpace && value.trim() !== value) {
    throw new ConfigError(key, 'has white space around it (a copy-paste slip?): remove it')
  }
  if (isPlaceholder(value)) throw new ConfigError(key, 'still holds a template placeholder: set the real value')
  return value
}

export function requiredString(key: string, value: unknown, rules?: StringRules): string {
  const text = optionalString(key, value, rules)
  if (text === undefined) throw new ConfigError(key, 'is required')
  return text
}

/** A required string of a known shape (a user pool id, a project id): `problem` says what it must be. */
export function requiredMatching(key: string, value: unknown, pattern: RegExp, problem: string): string {
  const text = requiredString(key, value)
  if (!pattern.test(text)) throw new ConfigError(key, problem)
  return text
}

/**
 * A spec an option holds (`rateLimiter(name)`, `turnstile({ … })`, `analyticsEngine(name)`), as
 * its factory made it: of its `kind`, with the method the route calls.
 */
export function isSpec<T>(value: unknown, kind: string, method: string): value is T {
  if (typeof value !== 'object' || value === null) return false
  const spec = value as Record<string, unknown>
  return spec.kind === kind && typeof spec[method] === 'function'
}

/** A factory's own arguments, checked when it is called: a mistake is an `InvalidConfigError` naming the call. */
export function checkedArgument<T>(call: string, read: () => T): T {
  try {
    return read()
  } catch (error) {
    throw error instanceof ConfigError ? new InvalidConfigError([error], call) : error
  }
}

/** A binding's name as a factory takes it (`rateLimiter('TOKENS')`): what wrangler accepts, a JavaScript identifier. */
export function bindingName(key: string, value: unknown): string {
  const name = requiredString(key, value)
  if (!/^[A-Za-z_$][\w$]{0,63}$/.test(name)) {
    throw new ConfigError(key, 'must be the name of a binding, such as "TOKENS" (letters, digits and _, at most 64)')
  }
  return name
}

export function integerInRange(
  key: string,
  value: unknown,
  range: { min: number; max: number; fallback: number },
): number {
  return optionalInteger(key, value, range) ?? range.fallback
}

/** A whole number within `range`, or `undefined` when the var is absent (the feature is off). */
export function optionalInteger(
  key: string,
  value: unknown,
  range: { min: number; max: number; fallback?: number },
): number | undefined {
  if (isAbsent(value)) return undefined
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : value
  if (typeof number !== 'number' || !Number.isInteger(number)) {
    const fallback = range.fallback === undefined ? '' : ` (default ${range.fallback})`
    throw new ConfigError(key, `must be a whole number from ${range.min} to ${range.max}${fallback}`)
  }
  if (number < range.min || number > range.max) {
    throw new ConfigError(key, `must be between ${range.min} and ${range.max}, got ${number}`)
  }
  return number
}

/** `true` or `false`, as TOML writes it or as text (`--var`, the dashboard); `fallback` when absent. */
export function optionalBoolean(key: string, value: unknown, fallback: boolean): boolean {
  if (isAbsent(value)) return fallback
  if (value === true || value === 'true') return true
  if (value === false || value === 'false') return false
  throw new ConfigError(key, `must be true or false (default ${fallback})`)
}

/** A list given as a TOML array, a JSON array string, or a comma-separated string. */
export function stringList(key: string, value: unknown): string[] {
  if (isAbsent(value)) return []
  if (typeof value === 'string' && value.trim() === '') {
    throw new ConfigError(key, 'is empty: list at least one value, or remove the var')
  }
  const list = typeof value === 'string' ? parseListString(key, value) : value
  if (!Array.isArray(list)) throw new ConfigError(key, 'must be a list of strings')
  return list.map((item, index) => {
    if (typeof item !== 'string' || item.trim() === '') {
      throw new ConfigError(`${key}[${index}]`, 'must be a non-empty string')
    }
    if (isPlaceholder(item)) throw new ConfigError(`${key}[${index}]`, 'still holds a template placeholder')
    return item.trim()
  })
}

function parseListString(key: string, value: string): unknown {
  const text = value.trim()
  if (!text.startsWith('[')) return text.split(',').filter((item) => item.trim() !== '')
  return parseJson(key, text)
}

/** A structured var given as TOML (already an object or array) or as a JSON string. */
export function structured(key: string, value: unknown): unknown {
  return typeof value === 'string' ? parseJson(key, value) : value
}

function parseJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new ConfigError(key, 'is not valid JSON')
  }
}

/** True for hosts that never leave the machine: http is acceptable only for these. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

/**
 * An https URL, or plain http on loopback (a stand-in during development and tests): where
 * the Worker sends a cookie, or fetches the keys or answers it trusts.
 */
export function secureUrl(key: string, text: string): URL {
  const url = URL.canParse(text) ? new URL(text) : undefined
  const secure = url?.protocol === 'https:' || (url?.protocol === 'http:' && isLoopbackHost(url.hostname))
  if (!url || !secure)
    throw new ConfigError(key, 'must be an https:// URL (plain http only for localhost or 127.0.0.1)')
  return url
}
