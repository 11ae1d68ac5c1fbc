/**
 * @module Which secrets a configuration reads, and which ones it leaves unused.
 *
 * One `.dev.vars`, or one Worker's deployed secrets, often outlives the configuration it was
 * made for: a removed widget's key, `SESSION_SECRET` once sessions use a public key or a
 * JWKS, `TURNSTILE_SECRET` once guests are denied. Such a leftover is not a mistake in the
 * configuration, so the Worker ignores it instead of refusing to start; the tools name it
 * as a warning (`npm run dev` for the local file, `npm run deploy` for the deployed ones).
 */
import { ConfigError } from '../errors.ts'
import { isOwnName, isSecretSetting } from './settings.ts'
import { sourceSecrets } from './sources.ts'
import { requiredString } from './values.ts'
import { checkConnectSecret } from './widget.ts'
import { widgetEntryList, widgetSecretNames } from './widgets.ts'

export interface SecretsUsed {
  /** Without these the configuration is invalid. */
  needed: string[]
  /** Read when present: a rotation's older Auth.js secrets, Supabase's legacy secret, Turnstile. */
  optional: string[]
}

/** The secrets these vars make the Worker read. */
export function secretsUsed(vars: Record<string, unknown>): SecretsUsed {
  const source = sourceSecrets(vars)
  const needed = [...widgetSecretNames(vars), ...source.needed]
  const optional = [...source.optional]
  const policies = [
    vars.ANONYMOUS_POLICY,
    ...(widgetEntryList(vars.WIDGETS) ?? []).map((entry) => entry.ANONYMOUS_POLICY),
  ]
  if (policies.includes('allow')) optional.push('TURNSTILE_SECRET')
  return { needed, optional }
}

/**
 * A name that holds a secret of this Worker: a secret setting, a widget's key, or a name in
 * the Worker's own namespace containing `SECRET` (a key of a widget since removed, such as
 * `CONNECT_SECRET_SUPPORT`): no var of this Worker has `SECRET` in its name.
 */
export function isSecretName(name: string, vars: Record<string, unknown>): boolean {
  return isSecretSetting(name) || widgetSecretNames(vars).includes(name) || (isOwnName(name) && name.includes('SECRET'))
}

/** The names in `env` that hold secrets these settings do not read. */
export function unusedSecrets(env: Record<string, unknown>): string[] {
  const { needed, optional } = secretsUsed(env)
  return Object.keys(env).filter(
    (name) => env[name] !== undefined && isSecretName(name, env) && !needed.includes(name) && !optional.includes(name),
  )
}

/** `env` without the secrets it does not use: what the validator reads. */
export function withoutUnusedSecrets<T extends Record<string, unknown>>(env: T): T {
  const unused = new Set(unusedSecrets(env))
  return unused.size === 0 ? env : (Object.fromEntries(Object.entries(env).filter(([name]) => !unused.has(name))) as T)
}

/**
 * What is wrong with a secret's value before it is uploaded, by the validator's own rules:
 * never empty or padded, and a widget's key exactly the console's 44 characters.
 */
export function secretValueProblem(name: string, value: string, vars: Record<string, unknown>): string | undefined {
  try {
    requiredString(name, value)
    if (widgetSecretNames(vars).includes(name)) checkConnectSecret(name, value)
    return undefined
  } catch (error) {
    if (error instanceof ConfigError) return error.problem
    throw error
  }
}
