/**
 * @module Worker env (vars and secrets) → a typed, validated `Config`, built once per isolate
 * (when it starts, see `src/index.ts`).
 *
 * One validator, two callers: the Worker reads its env with it, and `npm run check-config`
 * runs the same code over `wrangler.toml` before a deployment. Every mistake is reported,
 * not only the first; at run time an invalid configuration answers `CONFIG_INVALID`.
 */
import { type ConfigError, InvalidConfigError } from '../errors.ts'
import { logEvent } from '../log.ts'
import { ConfigProblems } from './problems.ts'
import { isSecretName, secretsUsed, withoutUnusedSecrets } from './secrets.ts'
import { checkSettingNames } from './settings.ts'
import { type ChosenSource, readSource } from './sources.ts'
import { readWidgets, type WidgetConfig, widgetSecretNames } from './widgets.ts'

export { isSecretName, secretsUsed, secretValueProblem, unusedSecrets } from './secrets.ts'
export { SETTINGS } from './settings.ts'
export { widgetSecretNames } from './widgets.ts'

/** The Worker's bindings as they arrive: untrusted until `loadConfig` has read them. */
export interface Env {
  /** Secret: the widget's security key from the Amazon Connect console. */
  CONNECT_SECRET?: string
  /** Secret: the shared secret that signs HS256/384/512 session cookies. */
  SESSION_SECRET?: string
  [name: string]: unknown
}

export interface Config {
  /** The widgets served: one without `WIDGETS`, each on its own path. */
  widgets: WidgetConfig[]
  /** The session source the vars chose (`SESSION_SOURCE` / `SESSION_PROVIDER`), its settings and the source. */
  source: ChosenSource
}

/** What the check before a deployment learns from the vars alone. */
export interface ConfigCheck {
  problems: ConfigError[]
  /** The secrets this configuration needs; deployed secrets cannot be read from here. */
  neededSecrets: string[]
}

const configs = new WeakMap<object, Promise<Config>>()

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

/**
 * Reads the whole configuration, secrets included; throws `InvalidConfigError` listing every
 * mistake. Secrets these settings do not read (`unusedSecrets`) are left out first: a leftover
 * of another configuration is not a mistake in this one.
 */
export async function readConfig(env: Env): Promise<Config> {
  const problems = new ConfigProblems()
  const config = await readAll(withoutUnusedSecrets(env), problems, true)
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
    if (isSecretName(name, vars)) {
      problems.add(name, `is a secret: remove it from the vars and set it with \`npm run secret -- ${name}\``)
    }
  }
  await readAll(withoutUnusedSecrets(vars), problems, false)
  return { problems: problems.found, neededSecrets: secretsUsed(vars).needed }
}

async function readAll(env: Env, problems: ConfigProblems, secretsGiven: boolean): Promise<Config | undefined> {
  checkSettingNames(
    env,
    [env.SESSION_KV_BINDING, env.RATE_LIMIT_BINDING, env.METRICS_BINDING, ...widgetSecretNames(env)],
    problems,
  )
  const widgets = readWidgets(env, problems, secretsGiven)
  const source = await readSource(env, problems, secretsGiven)
  if (!widgets || !source) return undefined
  return { widgets, source }
}
