/**
 * @module Which web origins may fetch tokens cross-origin: exact origins and `*.` subdomain
 * patterns, parsed once and matched without regular expressions built from configuration.
 */
import { ConfigProblems } from './config/problems.ts'
import { ConfigError } from './errors.ts'
import { isPublicSuffix } from './public-suffixes.ts'

export interface OriginPolicy {
  /** True when `origin` (an `Origin` header value) is on the allowlist. */
  allows(origin: string): boolean
  /** The allowlist as configured, for people to read (the demo page). */
  readonly patterns: readonly string[]
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
  const problems = new ConfigProblems()
  for (const [index, pattern] of patterns.entries()) {
    problems.read(() => {
      const parsed = parseOriginPattern(`${key}[${index}]`, pattern)
      if (typeof parsed === 'string') exact.add(parsed)
      else subdomains.push(parsed)
    })
  }
  problems.throwIfAny()
  return {
    patterns: [...patterns],
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

/** An exact origin (normalised), or a subdomain pattern over a domain someone owns. */
function parseOriginPattern(key: string, pattern: string): string | SubdomainPattern {
  const match = ORIGIN_SHAPE.exec(pattern)
  const url = match && safeUrl(pattern.replace('*.', 'wildcard.'))
  if (!match || !url) {
    throw new ConfigError(
      key,
      `"${pattern}" is not an origin; write "https://www.example.com" or "https://*.example.com" (no path, no trailing slash)`,
    )
  }
  if (!match[2]) return url.origin
  const domain = url.hostname.slice('wildcard.'.length)
  if (isPublicSuffix(domain)) {
    throw new ConfigError(
      key,
      `"${pattern}" would allow every site under "${domain}"; name your own domain, such as "https://*.example.${domain}"`,
    )
  }
  return { protocol: url.protocol, port: url.port, suffix: `.${domain}` }
}

function safeUrl(text: string): URL | undefined {
  return URL.canParse(text) ? new URL(text) : undefined
}
