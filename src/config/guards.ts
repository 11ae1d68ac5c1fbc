/**
 * @module A widget's guests and their guards: the anonymous policy with its literal-only
 * mapping, Cloudflare Turnstile, and rate limiting (a `[[ratelimits]]` binding). The guards
 * are specs (`turnstile({ … })`, `rateLimiter(name)`): the standalone Worker makes them from its
 * vars through `GuardMakers`, so that an app that uses neither bundles neither.
 */

import { ConfigError } from '../errors.ts'
import { isRateLimiter, type RateLimiter } from '../guards/rate-limit.ts'
import { isTurnstile, type Turnstile } from '../guards/turnstile.ts'
import { type MappingRule, parseMapping } from '../mapping.ts'
import { readSpec, type SettingsInput } from './input.ts'
import type { ConfigProblems } from './problems.ts'
import { optionalString } from './values.ts'

/**
 * Guests' options, and their vars: `guests` is the policy (`widgetToken()` takes an object);
 * `turnstile` is an option only (a spec), its vars `turnstileSecret` and `turnstileVerifyUrl`.
 */
export const GUEST_VARS = {
  guests: 'ANONYMOUS_POLICY',
  guestMapping: 'ANONYMOUS_MAPPING',
  turnstile: '',
  turnstileSecret: 'TURNSTILE_SECRET',
  turnstileVerifyUrl: 'TURNSTILE_VERIFY_URL',
} as const

type Name = keyof typeof GUEST_VARS

/**
 * What reads the guards from vars: the standalone Worker's (each in its guard's module), which
 * it alone imports. Vars are never read without them.
 */
export interface GuardMakers {
  turnstile: (input: SettingsInput<'turnstileSecret' | 'turnstileVerifyUrl'>) => Turnstile | undefined
  rateLimiter: (input: SettingsInput<'rateLimit'>) => RateLimiter | undefined
}

export type AnonymousConfig = { policy: 'deny' } | { policy: 'allow'; mapping: MappingRule[]; turnstile?: Turnstile }

export function readAnonymousConfig(
  input: SettingsInput<Name>,
  problems: ConfigProblems,
  makers?: GuardMakers,
): AnonymousConfig | undefined {
  const key = input.key('guests')
  const policy = problems.read(() => optionalString(key, input.value('guests')) ?? 'deny')
  if (policy === undefined) return undefined
  if (policy !== 'deny' && policy !== 'allow') {
    problems.add(key, `must be "deny" (the default) or "allow", got "${policy}"`)
    return undefined
  }
  if (policy === 'deny') {
    for (const name of ['guestMapping', 'turnstile', 'turnstileSecret', 'turnstileVerifyUrl'] as const) {
      if (input.value(name) !== undefined) problems.add(input.key(name), `applies only with ${key} = "allow"`)
    }
    return { policy }
  }
  const mapping = problems.read(() => readLiteralMapping(input))
  const turnstile = problems.read(() => readTurnstileGuard(input, makers))
  if (!mapping) return undefined
  return { policy, mapping, turnstile }
}

/** Guests' attributes come from literals only: nothing a guest's request says. */
function readLiteralMapping(input: SettingsInput<Name>): MappingRule[] {
  const key = input.key('guestMapping')
  const rules = parseMapping(key, input.value('guestMapping'))
  for (const [index, rule] of rules.entries()) {
    if (rule.source.kind !== 'literal') {
      throw new ConfigError(`${key}[${index}]`, 'guests have no claims: use `value` (a literal), not `claim`')
    }
  }
  return rules
}

/** Options: a `turnstile({ … })` spec; vars: one made from them, when the secret is set. */
function readTurnstileGuard(input: SettingsInput<Name>, makers?: GuardMakers): Turnstile | undefined {
  const write = "turnstile({ secret: 'TURNSTILE_SECRET' })"
  return readSpec<Name, Turnstile>(input, 'turnstile', { is: isTurnstile, write }, makers?.turnstile)
}

/** The rate limiter: options, a `rateLimiter(name)` spec; vars, the one `RATE_LIMIT_BINDING` names. */
export function readRateLimiter(input: SettingsInput<'rateLimit'>, makers?: GuardMakers): RateLimiter | undefined {
  const write = "rateLimiter('NAME'), NAME a [[ratelimits]] binding"
  return readSpec(input, 'rateLimit', { is: isRateLimiter, write }, makers?.rateLimiter)
}
