/**
 * @module Worker env (vars and secrets) → a typed, validated `Config`, built once per isolate.
 *
 * One validator, two callers: the Worker reads its env with it, and `npm run check-config`
 * runs the same code over `wrangler.toml` before a deployment. Every mistake is reported,
 * not only the first; at run time an invalid configuration answers `CONFIG_INVALID`.
 */
import { ConfigError, InvalidConfigError } from '../errors'
import { logEvent } from '../log'
import { type MappingRule, parseMapping } from '../mapping'
import { type OriginPolicy, parseOriginPolicy } from '../origins'
import type { SessionConfig } from '../session/verify'
import type { WidgetTokenConfig } from '../token'
import { type AnonymousConfig, readAnonymousConfig, readRateLimitBinding } from './guards'
import { ConfigProblems } from './problems'
import { readSessionConfig, sessionKeyKind } from './session'
import { checkSettingNames, isSecretSetting, type SettingName } from './settings'
import { readSourceConfig, type SessionSourceConfig, sourceNeedsSessionSecret } from './sources'
import { optionalString, stringList } from './values'
import { readWidgetConfig } from './widget'

/** The Worker's bindings as they arrive: untrusted until `loadConfig` has read them. */
export interface Env {
  /** Secret: the widget's security key from the Amazon Connect console. */
  CONNECT_SECRET?: string
  /** Secret: the shared secret that signs HS256/384/512 session cookies. */
  SESSION_SECRET?: string
  [name: string]: unknown
}

export interface Config {
  tokenPath: string
  widget: WidgetTokenConfig
  /** The name of the session cookie, whatever the source. */
  cookieName: string
  source: SessionSourceConfig
  /** How JWT sessions are verified; present when the source is `jwt`. */
  session?: SessionConfig
  anonymous: AnonymousConfig
  /** The `[[ratelimits]]` binding that limits tokens, when configured. */
  rateLimitBinding?: string
  origins: OriginPolicy
  mapping: MappingRule[]
}

/** What the check before a deployment learns from the vars alone. */
export interface ConfigCheck {
  problems: ConfigError[]
  /** The secrets this configuration needs; deployed secrets cannot be read from here. */
  neededSecrets: SettingName[]
}

const configs = new WeakMap<object, Promise<Config>>()

/** A literal path: the router would read `:name` or `*` as patterns. */
const PLAIN_PATH = /^\/[A-Za-z0-9._~/-]*$/

/** The configuration for this `env`, read and validated on first use; every mistake logged once. */
export function loadConfig(env: Env): Promise<Config> {
  let config = configs.get(env)
  if (!config) {
    config = readConfig(env)
    config.catch((error: unknown) => {
      const problems =
        error instanceof InvalidConfigError
          ? error.problems.map(({ key, problem }) => ({ key, problem }))
          : [{ key: 'unknown', problem: String(error) }]
      logEvent('error', 'config_invalid', { keys: problems.map(({ key }) => key), problems })
    })
    configs.set(env, config)
  }
  return config
}

/** Reads the whole configuration, secrets included; throws `InvalidConfigError` listing every mistake. */
export async function readConfig(env: Env): Promise<Config> {
  const problems = new ConfigProblems()
  const config = await readAll(env, problems, true)
  problems.throwIfAny()
  return config as Config
}

/**
 * Checks vars without their secrets, as `npm run check-config` does before deploying: a
 * secret written into the vars is itself a mistake, and the secrets needed are listed.
 */
export async function checkVars(vars: Record<string, unknown>): Promise<ConfigCheck> {
  const problems = new ConfigProblems()
  for (const name of Object.keys(vars)) {
    if (isSecretSetting(name)) {
      problems.add(name, `is a secret: remove it from the vars and set it with \`wrangler secret put ${name}\``)
    }
  }
  await readAll(vars, problems, false)
  const neededSecrets: SettingName[] = ['CONNECT_SECRET']
  const jwtWithSecret = vars.SESSION_SOURCE === undefined || vars.SESSION_SOURCE === 'jwt'
  if ((jwtWithSecret && sessionKeyKind(vars) === 'secret') || sourceNeedsSessionSecret(vars)) {
    neededSecrets.push('SESSION_SECRET')
  }
  return { problems: problems.found, neededSecrets }
}

async function readAll(env: Env, problems: ConfigProblems, secretsGiven: boolean): Promise<Config | undefined> {
  checkSettingNames(env, problems)
  const tokenPath = problems.read(() => readTokenPath(env))
  const widget = await readWidgetConfig(env, problems, secretsGiven)
  const cookieName = problems.read(() => optionalString('SESSION_COOKIE', env.SESSION_COOKIE) ?? 'session')
  const source = await readSourceConfig(env, problems, secretsGiven)
  const session = source?.kind === 'jwt' ? await readSessionConfig(env, problems, secretsGiven) : undefined
  const anonymous = readAnonymousConfig(env, problems, secretsGiven)
  const rateLimitBinding = problems.read(() => readRateLimitBinding(env, secretsGiven))
  const origins = problems.read(() =>
    parseOriginPolicy('ALLOWED_ORIGINS', stringList('ALLOWED_ORIGINS', env.ALLOWED_ORIGINS)),
  )
  const mapping = problems.read(() => parseMapping('CONTACT_MAPPING', env.CONTACT_MAPPING))
  if (!tokenPath || !widget || !cookieName || !source || !anonymous || !origins || !mapping) return undefined
  if (source.kind === 'jwt' && !session) return undefined
  return { tokenPath, widget, cookieName, source, session, anonymous, rateLimitBinding, origins, mapping }
}

function readTokenPath(env: Env): string {
  const tokenPath = optionalString('TOKEN_PATH', env.TOKEN_PATH) ?? '/token'
  if (!PLAIN_PATH.test(tokenPath)) {
    throw new ConfigError('TOKEN_PATH', 'must be a plain path such as "/token" (no ":", "*", query or spaces)')
  }
  return tokenPath
}
