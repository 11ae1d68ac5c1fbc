/**
 * @module Readers for raw Worker vars: each returns a typed value or throws a `ConfigError`
 * naming the key.
 *
 * Vars arrive as TOML values from `wrangler.toml`, or as plain strings when set with
 * `--var` or in the dashboard, so every reader accepts both forms.
 */
import { ConfigError } from './errors'

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isAbsent(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === ''
}

export function optionalString(key: string, value: unknown): string | undefined {
  if (isAbsent(value)) return undefined
  if (typeof value !== 'string') throw new ConfigError(key, 'must be a string')
  return value
}

export function requiredString(key: string, value: unknown): string {
  const text = optionalString(key, value)
  if (text === undefined) throw new ConfigError(key, 'is required')
  return text
}

export function integerInRange(
  key: string,
  value: unknown,
  range: { min: number; max: number; fallback: number },
): number {
  if (isAbsent(value)) return range.fallback
  const number = typeof value === 'string' ? Number(value.trim()) : value
  if (typeof number !== 'number' || !Number.isInteger(number)) {
    throw new ConfigError(key, 'must be a whole number')
  }
  if (number < range.min || number > range.max) {
    throw new ConfigError(key, `must be between ${range.min} and ${range.max}, got ${number}`)
  }
  return number
}

/** A list given as a TOML array, a JSON array string, or a comma-separated string. */
export function stringList(key: string, value: unknown): string[] {
  if (isAbsent(value)) return []
  const list = typeof value === 'string' ? parseListString(key, value) : value
  if (!Array.isArray(list)) throw new ConfigError(key, 'must be a list of strings')
  return list.map((item, index) => {
    if (typeof item !== 'string' || item.trim() === '') {
      throw new ConfigError(`${key}[${index}]`, 'must be a non-empty string')
    }
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
