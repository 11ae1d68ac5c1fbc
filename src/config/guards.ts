/**
 * @module Vars and secret → the anonymous policy and its guards: rate limiting (a
 * `[[ratelimits]]` binding) and Cloudflare Turnstile.
 */
import { ConfigError } from '../errors'
import { DEFAULT_TURNSTILE_VERIFY_URL, type TurnstileConfig } from '../guards/turnstile'
import { type MappingRule, parseMapping } from '../mapping'
import type { ConfigProblems } from './problems'
import { optionalString, secureUrl } from './values'

export type AnonymousConfig =
  | { policy: 'deny' }
  | { policy: 'allow'; mapping: MappingRule[]; turnstile?: TurnstileConfig }

export function readAnonymousConfig(
  env: Record<string, unknown>,
  problems: ConfigProblems,
  secretsGiven: boolean,
): AnonymousConfig | undefined {
  const policy = problems.read(() => optionalString('ANONYMOUS_POLICY', env.ANONYMOUS_POLICY) ?? 'deny')
  if (policy === undefined) return undefined
  if (policy !== 'deny' && policy !== 'allow') {
    problems.add('ANONYMOUS_POLICY', `must be "deny" (the default) or "allow", got "${policy}"`)
    return undefined
  }
  if (policy === 'deny') {
    for (const name of ['ANONYMOUS_MAPPING', 'TURNSTILE_SECRET', 'TURNSTILE_VERIFY_URL']) {
      if (env[name] !== undefined) problems.add(name, 'applies only with ANONYMOUS_POLICY = "allow"')
    }
    return { policy }
  }
  const mapping = problems.read(() => readLiteralMapping(env))
  const turnstile = problems.read(() => readTurnstile(env, secretsGiven))
  if (!mapping) return undefined
  return { policy, mapping, turnstile }
}

/** Guests' attributes come from literals only: nothing a guest's request says. */
function readLiteralMapping(env: Record<string, unknown>): MappingRule[] {
  const rules = parseMapping('ANONYMOUS_MAPPING', env.ANONYMOUS_MAPPING)
  for (const [index, rule] of rules.entries()) {
    if (rule.source.kind !== 'literal') {
      throw new ConfigError(
        `ANONYMOUS_MAPPING[${index}]`,
        'guests have no claims: use `value` (a literal), not `claim`',
      )
    }
  }
  return rules
}

function readTurnstile(env: Record<string, unknown>, secretsGiven: boolean): TurnstileConfig | undefined {
  const secret = secretsGiven ? optionalString('TURNSTILE_SECRET', env.TURNSTILE_SECRET) : undefined
  const urlText = optionalString('TURNSTILE_VERIFY_URL', env.TURNSTILE_VERIFY_URL) ?? DEFAULT_TURNSTILE_VERIFY_URL
  const url = secureUrl('TURNSTILE_VERIFY_URL', urlText)
  return secret === undefined ? undefined : { secret, verifyUrl: url }
}

/** The name of a `[[ratelimits]]` binding; at run time it must be bound. */
export function readRateLimitBinding(env: Record<string, unknown>, bindingsGiven: boolean): string | undefined {
  const binding = optionalString('RATE_LIMIT_BINDING', env.RATE_LIMIT_BINDING)
  if (binding === undefined) return undefined
  const limiter = env[binding] as { limit?: unknown } | undefined
  if (bindingsGiven && typeof limiter?.limit !== 'function') {
    throw new ConfigError(
      'RATE_LIMIT_BINDING',
      `no rate limiter is bound as "${binding}" ([[ratelimits]] in wrangler.toml)`,
    )
  }
  return binding
}
