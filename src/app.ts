/**
 * @module App assembly: middleware order, routes and error handling, built once per config.
 */
import { Hono } from 'hono/tiny'
import { type Config, type Env, loadConfig } from './config/index.ts'
import { metricsOfInvalidConfig } from './config/metrics.ts'
import { InvalidConfigError, TokenServiceError } from './errors.ts'
import { answerErrors, errorResponse } from './http/error-response.ts'
import { type RequestNotes, recordRequest, requestLog } from './http/request-log.ts'
import { mountTokenRoute } from './http/token-route.ts'
import { warmUp } from './warm-up.ts'

export type App = Hono<{ Bindings: Env; Variables: RequestNotes }>

/** What the development entry adds to the production Worker (`src/dev.ts`). */
export interface AppExtension {
  /** Derives the configuration the app is built with, once per configuration. */
  configure?(config: Config, env: Env): Promise<Config>
  /** Adds middleware in front of every route, after the request log (the development entry's notes for its demo page). */
  middleware?(app: App, config: Config): void
  /** Adds routes, such as `/dev/login`. */
  routes?(app: App, config: Config): void
}

export function createApp(config: Config, extension: AppExtension = {}): App {
  const app: App = new Hono()
  app.use('*', requestLog(config.widgets.length === 1 ? config.widgets[0].name : undefined))
  extension.middleware?.(app, config)
  for (const widget of config.widgets) mountTokenRoute(app, widget.tokenPath, widget, config.source.source)
  extension.routes?.(app, config)
  answerErrors(app)
  return app
}

export interface TokenWorker extends ExportedHandler<Env> {
  fetch: ExportedHandlerFetchHandler<Env>
  /**
   * Reads the configuration, imports the keys and builds the app now rather than on the first
   * request. Requests whose `env` holds the same bindings use what was prepared.
   */
  prepare(env: Env): void
}

/** The Worker: loads configuration on first use (or when prepared), then serves from an app built for it. */
export function createWorker(extension: AppExtension = {}): TokenWorker {
  const apps = new WeakMap<Config, Promise<App>>()
  const appFor = (config: Config, env: Env) => {
    let app = apps.get(config)
    if (!app) {
      app = buildApp(config, env, extension)
      apps.set(config, app)
    }
    return app
  }
  let prepared: Env | undefined
  /** The env whose configuration serves a request's: the prepared one when the bindings match. */
  const configured = new WeakMap<Env, Env>()
  const configuredEnv = (env: Env) => {
    let chosen = configured.get(env)
    if (!chosen) {
      chosen = prepared && sameBindings(prepared, env) ? prepared : env
      configured.set(env, chosen)
    }
    return chosen
  }
  return {
    prepare(env) {
      prepared = env
      // An invalid configuration is logged by loadConfig and answered on each request; a
      // warm-up that fails (a mapping that needs claims the synthetic visitor lacks) only
      // leaves some code for the first request to compile.
      loadConfig(env)
        .then(async (config) => {
          await appFor(config, env)
          await warmUp(config)
        })
        .catch(() => {})
    },
    async fetch(request, env, ctx) {
      const started = Date.now()
      let config: Config
      try {
        config = await loadConfig(configuredEnv(env))
      } catch (error) {
        const keys = error instanceof InvalidConfigError ? error.keys : ['unknown']
        const failure = new TokenServiceError('CONFIG_INVALID', 'config_invalid', { log: { keys } })
        // The data point still counts it, where the metrics setting alone can be read.
        recordRequest(request, env, started, failure.status, { failure, widget: metricsOfInvalidConfig(env) })
        return errorResponse(failure)
      }
      return (await appFor(config, configuredEnv(env))).fetch(request, env, ctx)
    },
  }
}

/**
 * The module's `env` and a request's are different objects over the same bindings: the same
 * names, the same text, equal JSON, bindings of the same kind.
 */
function sameBindings(a: Env, b: Env): boolean {
  const names = Object.keys(a)
  if (names.length !== Object.keys(b).length) return false
  return names.every((name) => {
    const [x, y] = [a[name], b[name]]
    if (x === y) return true
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false
    if (Array.isArray(x) || Object.getPrototypeOf(x) === Object.prototype)
      return JSON.stringify(x) === JSON.stringify(y)
    return Object.getPrototypeOf(x) === Object.getPrototypeOf(y)
  })
}

async function buildApp(config: Config, env: Env, extension: AppExtension): Promise<App> {
  const configured = extension.configure ? await extension.configure(config, env) : config
  return createApp(configured, extension)
}
