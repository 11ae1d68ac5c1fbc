/**
 * @module Where settings come from, for the one validator: the standalone Worker's vars
 * (`SESSION_JWKS_URL`), or the options a library user passes (`jwtCookie({ jwksUrl })`). A
 * reader asks for a setting by its option name; a problem is reported under the name the user
 * wrote, so `npm run check-config` and `jwtCookie()` say the same thing in their own words.
 *
 * Secrets are never options' values: an option names the binding that holds one (a string), or
 * is a function of the request's env that returns it. The standalone Worker's secrets are its
 * own vars, read the same way (`SecretRef`).
 */
import { ConfigError, configInvalid } from '../errors.ts'
import type { ConfigProblems } from './problems.ts'
import { closest } from './settings.ts'
import { bindingName, optionalString, requiredString } from './values.ts'

/** A secret: the name of the binding that holds it, or a function of the request's env. */
export type SecretRef = string | ((env: Record<string, unknown>) => string | undefined)

export interface SettingsInput<Name extends string = string> {
  /** The name a problem about this setting is reported under: the var, or the option. */
  key(name: Name): string
  value(name: Name): unknown
  /** Vars (the standalone Worker) hold secrets' values; options hold `SecretRef`s. */
  readonly form: 'vars' | 'options'
  /** The env secrets are read from now (vars with secrets given), if any. */
  readonly env?: Record<string, unknown>
}

/** The standalone Worker's vars: each option name maps to its var. */
export function fromVars<Name extends string>(
  env: Record<string, unknown>,
  names: Readonly<Record<Name, string>>,
  { secretsGiven }: { secretsGiven: boolean },
): SettingsInput<Name> {
  return {
    key: (name) => names[name],
    value: (name) => env[names[name]],
    form: 'vars',
    env: secretsGiven ? env : undefined,
  }
}

/** Vars are read with their readers, or not at all: a guard they name is never silently left out. */
function varsReader<T>(makers: T | undefined): T {
  if (!makers) throw new TypeError('vars are read with the readers of their guards (WidgetMakers)')
  return makers
}

/**
 * A setting whose option is a spec its factory makes (`rateLimiter(name)`, `turnstile({ … })`,
 * `analyticsEngine(name)`): options hold the spec (`write` says how to make one); vars are read
 * by `fromVars`, the standalone Worker's reader, or not at all.
 */
export function readSpec<Name extends string, T>(
  input: SettingsInput<Name>,
  name: Name,
  spec: { is: (value: unknown) => value is T; write: string },
  fromVars: ((input: SettingsInput<Name>) => T | undefined) | undefined,
): T | undefined {
  if (input.form === 'vars') return varsReader(fromVars)(input)
  const given = input.value(name)
  if (given === undefined) return undefined
  if (!spec.is(given)) throw new ConfigError(input.key(name), `must be ${spec.write}`)
  return given
}

/** A library user's options, each under its own name. */
/**
 * The one check of an options object, wherever it sits (`widgetToken({ … })`, `guests`,
 * `jwtCookie({ … })`, a mapping entry): an object, with known names only, each unknown one
 * named with the closest known one. An unknown name is never ignored: `guests: { maping }` would
 * otherwise give guests a token with no attributes, and `turnstile: { secrte }` no challenge.
 */
export function checkOptions(
  options: unknown,
  known: readonly string[],
  problems: ConfigProblems,
  at: { call?: string; key?: string },
): options is Record<string, unknown> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    problems.add(at.key ?? 'options', `must be an object of options (${known.join(', ')}) for ${at.call ?? at.key}`)
    return false
  }
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue
    const key = at.key ? `${at.key}.${name}` : name
    const within = [at.key, at.call].filter(Boolean).join(' of ')
    problems.add(key, `is not an option of ${within}; did you mean ${closest(name, known)}? (use ${known.join(', ')})`)
  }
  return true
}

export function fromOptions<Name extends string>(options: object): SettingsInput<Name> {
  const values = options as Partial<Record<Name, unknown>>
  return { key: (name) => name, value: (name) => values[name], form: 'options' }
}

/**
 * The same input as another reader sees it: some settings decided (an identity provider's
 * algorithms), defaulted (its issuer, unless the user set one) or read under another name
 * (Supabase's `jwtSecret` as JWT verification's `secret`).
 */
export function withSettings<Name extends string>(
  input: SettingsInput<string>,
  {
    decided = {},
    defaults = {},
    aliases = {},
  }: {
    decided?: Partial<Record<Name, unknown>>
    defaults?: Partial<Record<Name, unknown>>
    aliases?: Partial<Record<Name, string>>
  },
): SettingsInput<Name> {
  const own = (name: Name) => aliases[name] ?? name
  return {
    ...input,
    key: (name) => input.key(own(name)),
    value: (name) => (Object.hasOwn(decided, name) ? decided[name] : (input.value(own(name)) ?? defaults[name])),
  }
}

/**
 * A secret setting as a reference. Vars: the var's own name is the binding; with the secrets
 * given its value is checked now, and without them (the check before a deployment) nothing can
 * be told, so `undefined`. Options: a binding name or a function, checked when the request reads it.
 */
export function secretRef(input: SettingsInput<string>, name: string, { required = true } = {}): SecretRef | undefined {
  const key = input.key(name)
  const value = input.value(name)
  if (input.form === 'vars') {
    if (!input.env) return undefined
    if (value === undefined) {
      if (required) throw new ConfigError(key, 'is required')
      return undefined
    }
    optionalString(key, value)
    return key
  }
  if (value === undefined) {
    if (required)
      throw new ConfigError(key, 'is required: the name of the binding holding the secret, or (env) => value')
    return undefined
  }
  if (typeof value === 'function') return value as SecretRef
  if (typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(value)) return value
  throw new ConfigError(
    key,
    'must name the binding holding the secret (such as "SESSION_SECRET"), or be (env) => value',
  )
}

/** The secret's value now, from the request's env. */
export function readSecret(ref: SecretRef, env: Record<string, unknown>): unknown {
  if (typeof ref !== 'function') return env[ref]
  try {
    return ref(env)
  } catch (error) {
    // Its message may quote what it read (`JSON.parse` does): the log gets the error's name only.
    throw configInvalid([
      new ConfigError(secretName(ref), `threw ${error instanceof Error ? error.name : typeof error}`),
    ])
  }
}

/**
 * The secret's value for this request, checked by `check` (by default: present, not blank): a
 * missing or bad secret is the operator's mistake, so the request gets `500 CONFIG_INVALID`
 * and the log names the secret, never its value.
 */
export function requireSecret(
  ref: SecretRef,
  env: Record<string, unknown>,
  check: (key: string, value: unknown) => string = requiredString,
): string {
  const value = readSecret(ref, env)
  if (value === undefined) {
    const missing =
      typeof ref === 'string'
        ? unboundSecret(ref, env)
        : new ConfigError(secretName(ref), 'is required: the function returned no value')
    throw configInvalid([missing])
  }
  try {
    return check(secretName(ref), value)
  } catch (error) {
    throw error instanceof ConfigError ? configInvalid([error]) : error
  }
}

/**
 * No binding of the name: the closest one the env has (names only, never a value), and where
 * secrets are set. A name not written as binding names are (`CONNECT_SECRET`) may be the
 * secret itself, pasted where its name belongs: it never reaches a log.
 */
function unboundSecret(name: string, env: Record<string, unknown>): ConfigError {
  if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(name)) {
    return new ConfigError(
      'secret',
      'is required: no secret is bound under the name given, which is not written as binding names are (such as CONNECT_SECRET): give the name of the binding, never the secret',
    )
  }
  return new ConfigError(
    name,
    `is required: no secret is bound as "${name}"${didYouMean(name, env)}; set it with wrangler secret put ${name}, and in .dev.vars locally`,
  )
}

/**
 * The binding a var names (`RATE_LIMIT_BINDING = "TOKENS"`), or nothing when unset; with the env
 * at hand (the standalone Worker), it must hold what `holds` accepts, or `unbound` says why not.
 */
export function boundName(
  input: SettingsInput<string>,
  name: string,
  holds: (binding: unknown) => boolean,
  unbound: (key: string, binding: string, env: Record<string, unknown>) => ConfigError,
): string | undefined {
  const key = input.key(name)
  const value = input.value(name)
  if (value === undefined || value === null) return undefined
  const binding = bindingName(key, value)
  if (input.env && !holds(input.env[binding])) throw unbound(key, binding, input.env)
  return binding
}

/** ` (did you mean NAME?)` for the env's binding closest to a name it lacks, or nothing: names only, never a value. */
export function didYouMean(name: string, env: Record<string, unknown>): string {
  const near = closest(name, Object.keys(env), 2)
  return near ? ` (did you mean ${near}?)` : ''
}

/**
 * The name a secret is known by in logs and problems: its binding, or the function's own name
 * (an arrow function written as an option takes the option's: `secret (a function)`).
 */
export function secretName(ref: SecretRef): string {
  return typeof ref === 'function' ? `${ref.name || 'secret'} (a function)` : ref
}
