/**
 * @module A widget's guests and their guards: the anonymous policy with its literal-only
 * mapping, Cloudflare Turnstile, and rate limiting (a `[[ratelimits]]` binding).
 */

import { ConfigError } from '../errors.ts'
import { unboundRateLimiter } from '../guards/rate-limit.ts'
import { DEFAULT_TURNSTILE_VERIFY_URL, type TurnstileConfig } from '../guards/turnstile.ts'
import { type MappingRule, parseMapping } from '../mapping.ts'
import { type SettingsInput, secretRef } from './input.ts'
import type { ConfigProblems } from './problems.ts'
import { optionalString, secureUrl } from './values.ts'

/** Guests' options, and their vars: `guests` is the policy (`widgetToken()` takes an object). */
export const GUEST_VARS = {
  guests: 'ANONYMOUS_POLICY',
  guestMapping: 'ANONYMOUS_MAPPING',
  turnstileSecret: 'TURNSTILE_SECRET',
  turnstileVerifyUrl: 'TURNSTILE_VERIFY_URL',
} as const

type Name = keyof typeof GUEST_VARS

export type AnonymousConfig =
  | { policy: 'deny' }
  | { policy: 'allow'; mapping: MappingRule[]; turnstile?: TurnstileConfig }

export function readAnonymousConfig(input: SettingsInput<Name>, problems: ConfigProblems): AnonymousConfig | undefined {
  const key = input.key('guests')
  const policy = problems.read(() => optionalString(key, input.value('guests')) ?? 'deny')
  if (policy === undefined) return undefined
  if (policy !== 'deny' && policy !== 'allow') {
    problems.add(key, `must be "deny" (the default) or "allow", got "${policy}"`)
    return undefined
  }
  if (policy === 'deny') {
    for (const name of ['guestMapping', 'turnstileSecret', 'turnstileVerifyUrl'] as const) {
      if (input.value(name) !== undefined) problems.add(input.key(name), `applies only with ${key} = "allow"`)
    }
    return { policy }
  }
  const mapping = problems.read(() => readLiteralMapping(input))
  const turnstile = problems.read(() => readTurnstile(input))
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

/** Turnstile when its secret is set (vars: with the secrets at hand, or before a deployment, whenever named). */
function readTurnstile(input: SettingsInput<Name>): TurnstileConfig | undefined {
  const secret = secretRef(input, 'turnstileSecret', { required: false })
  const key = input.key('turnstileVerifyUrl')
  const given = optionalString(key, input.value('turnstileVerifyUrl'))
  const url = secureUrl(key, given ?? DEFAULT_TURNSTILE_VERIFY_URL)
  // A verify URL says Turnstile was meant: without its secret, guests would pass unchallenged.
  const secretsKnown = input.form === 'options' || input.env !== undefined
  if (given !== undefined && secret === undefined && secretsKnown) {
    throw new ConfigError(
      key,
      `applies only with ${input.key('turnstileSecret')} set: without it, guests are not challenged`,
    )
  }
  return secret === undefined ? undefined : { secret, verifyUrl: url }
}

/** The name of a `[[ratelimits]]` binding; with the env at hand (the standalone Worker), it must be bound. */
export function readRateLimitBinding(input: SettingsInput<'rateLimit'>): string | undefined {
  const key = input.key('rateLimit')
  const binding = optionalString(key, input.value('rateLimit'))
  if (binding === undefined) return undefined
  const limiter = input.env?.[binding] as { limit?: unknown } | undefined
  if (input.env && typeof limiter?.limit !== 'function') throw unboundRateLimiter(key, binding)
  return binding
}
