/**
 * @module Which web origins may fetch tokens cross-origin: exact origins and `*.` subdomain
 * patterns, parsed once and matched without regular expressions built from configuration.
 */
import { ConfigError } from './errors'

export interface OriginPolicy {
  /** True when `origin` (an `Origin` header value) is on the allowlist. */
  allows(origin: string): boolean
}

interface SubdomainPattern {
  protocol: string
  port: string
  /** `.example.com` for `https://*.example.com`. */
  suffix: string
}

const ORIGIN_SHAPE = /^(https?):\/\/(\*\.)?([A-Za-z0-9.-]+)(:\d{1,5})?$/

export function parseOriginPolicy(key: string, patterns: readonly string[]): OriginPolicy {
  const exact = new Set<string>()
  const subdomains: SubdomainPattern[] = []
  for (const [index, pattern] of patterns.entries()) {
    const match = ORIGIN_SHAPE.exec(pattern)
    const url = match && safeUrl(pattern.replace('*.', 'wildcard.'))
    if (!match || !url) {
      throw new ConfigError(
        `${key}[${index}]`,
        `"${pattern}" is not an origin; write "https://www.example.com" or "https://*.example.com" (no path, no trailing slash)`,
      )
    }
    if (match[2])
      subdomains.push({ protocol: url.protocol, port: url.port, suffix: url.hostname.slice('wildcard'.length) })
    else exact.add(url.origin)
  }
  return {
    allows(origin) {
      if (exact.has(origin)) return true
      if (subdomains.length === 0) return false
      const url = safeUrl(origin)
      if (!url || url.origin !== origin) return false
      return subdomains.some(
        (p) =>
          url.protocol === p.protocol &&
          url.port === p.port &&
          url.hostname.endsWith(p.suffix) &&
          url.hostname.length > p.suffix.length,
      )
    },
  }
}

function safeUrl(text: string): URL | undefined {
  return URL.canParse(text) ? new URL(text) : undefined
}
