/**
 * @module Vars and secrets → the widgets this Worker serves. One deployment, several widgets
 * (support and sales, one per brand or language): each with its path, widget id and the
 * name of the secret holding its key; lifetime, origins, mapping and guests default to the
 * top-level settings, so what is shared is written once. Without `WIDGETS`, the top level
 * is the one widget, as it always was.
 */
import { ConfigError } from '../errors.ts'
import { readRateLimiterVar } from '../guards/rate-limit.ts'
import { readTurnstile } from '../guards/turnstile.ts'
import { readMetricsVar } from '../metrics.ts'
import { fromVars } from './input.ts'
import { ConfigProblems } from './problems.ts'
import { closest } from './settings.ts'
import { isRecord, optionalString, requiredString, structured } from './values.ts'
import { readWidgetSettings, WIDGET_VARS, type WidgetMakers, type WidgetSettings } from './widget.ts'

/** The standalone Worker reads every optional part from its vars, so it brings each. */
const MAKERS: WidgetMakers = { turnstile: readTurnstile, rateLimiter: readRateLimiterVar, metrics: readMetricsVar }

export interface WidgetConfig extends WidgetSettings {
  /** Names the widget in logs and configuration errors. */
  name: string
  tokenPath: string
}

/** What a `[[vars.WIDGETS]]` entry may set: its own, then the top-level settings it overrides. */
const OWN_KEYS = ['NAME', 'TOKEN_PATH', 'WIDGET_ID', 'SECRET', 'SHARE_SECRET'] as const
const OVERRIDABLE = ['TOKEN_TTL_SECONDS', 'ALLOWED_ORIGINS', 'CONTACT_MAPPING', 'ANONYMOUS_POLICY', 'ANONYMOUS_MAPPING']

/** A literal path: the router would read `:name` or `*` as patterns. */
const PLAIN_PATH = /^\/[A-Za-z0-9._~/-]*$/

/** The names of the secrets holding the widgets' keys (`CONNECT_SECRET` for a single widget). */
export function widgetSecretNames(env: Record<string, unknown>): string[] {
  const entries = env.WIDGETS === undefined ? undefined : safeEntries(env.WIDGETS)
  if (!entries) return ['CONNECT_SECRET']
  return [...new Set(entries.map((entry) => (typeof entry.SECRET === 'string' ? entry.SECRET : 'CONNECT_SECRET')))]
}

export function readWidgets(
  env: Record<string, unknown>,
  problems: ConfigProblems,
  secretsGiven: boolean,
): WidgetConfig[] | undefined {
  if (env.WIDGETS === undefined) {
    // A single widget is named by its id in logs.
    const widget = readOneWidget(String(env.WIDGET_ID ?? 'default'), env, 'CONNECT_SECRET', problems, secretsGiven)
    return widget && [widget]
  }
  for (const name of ['WIDGET_ID', 'TOKEN_PATH']) {
    if (env[name] !== undefined) problems.add(name, 'is set per widget when WIDGETS is used: move it into each entry')
  }
  const entries = problems.read(() => widgetEntries(env.WIDGETS))
  if (!entries) return undefined
  const widgets: WidgetConfig[] = []
  for (const [index, entry] of entries.entries()) {
    const name = typeof entry.NAME === 'string' && entry.NAME !== '' ? entry.NAME : String(index)
    const scoped = new ConfigProblems()
    for (const key of Object.keys(entry)) {
      if (!(OWN_KEYS as readonly string[]).includes(key) && !OVERRIDABLE.includes(key)) {
        const known = [...OWN_KEYS, ...OVERRIDABLE]
        scoped.add(key, `is not a widget setting; did you mean ${closest(key, known)}? (use ${known.join(', ')})`)
      }
    }
    scoped.read(() => requiredString('NAME', entry.NAME))
    const secretName = scoped.read(() => optionalString('SECRET', entry.SECRET) ?? 'CONNECT_SECRET') ?? ''
    const widget = readOneWidget(name, { ...env, ...entry }, secretName, scoped, secretsGiven)
    for (const problem of scoped.found) {
      // A widget's key is a secret of the Worker's own, named as it is set: `wrangler secret put NAME`.
      const key = problem.key === secretName ? secretName : `WIDGETS[${name}].${problem.key}`
      problems.add(key, problem.problem)
    }
    if (widget) widgets.push(widget)
  }
  checkDistinct(entries, problems)
  return widgets.length === entries.length ? widgets : undefined
}

/** One widget from vars (a `WIDGETS` entry over the top level): its key in the secret `secretName`. */
function readOneWidget(
  name: string,
  env: Record<string, unknown>,
  secretName: string,
  problems: ConfigProblems,
  secretsGiven: boolean,
): WidgetConfig | undefined {
  const tokenPath = problems.read(() => readTokenPath(env))
  const vars = fromVars(env, { ...WIDGET_VARS, secret: secretName }, { secretsGiven })
  const settings = readWidgetSettings(vars, problems, MAKERS)
  if (!tokenPath || !settings) return undefined
  return { name, tokenPath, ...settings }
}

function readTokenPath(env: Record<string, unknown>): string {
  const tokenPath = optionalString('TOKEN_PATH', env.TOKEN_PATH) ?? '/token'
  if (!PLAIN_PATH.test(tokenPath)) {
    throw new ConfigError('TOKEN_PATH', 'must be a plain path such as "/token" (no ":", "*", query or spaces)')
  }
  // One path, one spelling: `/t/` beside `/t`, `/a//b` or `/a/./b` would be twins of another
  // path, or never match what a browser sends (it resolves dot segments before asking).
  const segments = tokenPath.slice(1).split('/')
  if (tokenPath !== '/' && segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    const canonical = `/${segments.filter((segment) => segment !== '' && segment !== '.' && segment !== '..').join('/')}`
    throw new ConfigError(
      'TOKEN_PATH',
      `must be written one way: no trailing "/", "//", "." or ".." segments (such as "${canonical}")`,
    )
  }
  return tokenPath
}

function widgetEntries(raw: unknown): Record<string, unknown>[] {
  const entries = safeEntries(raw)
  if (!entries) throw new ConfigError('WIDGETS', 'must be a list of tables such as { NAME = "support", … }')
  if (entries.length === 0) throw new ConfigError('WIDGETS', 'lists no widget: add one, or remove the var')
  return entries
}

/** The `WIDGETS` entries, or `undefined` when the var is absent or not a list of tables. */
export function widgetEntryList(raw: unknown): Record<string, unknown>[] | undefined {
  return raw === undefined ? undefined : safeEntries(raw)
}

function safeEntries(raw: unknown): Record<string, unknown>[] | undefined {
  let list: unknown
  try {
    list = structured('WIDGETS', raw)
  } catch {
    return undefined
  }
  return Array.isArray(list) && list.every(isRecord) ? list : undefined
}

/**
 * Two widgets on one path, or with one widget id, are a copy-paste slip; one key for two
 * widgets lets each sign the other's tokens, so it needs `SHARE_SECRET = true` on both.
 */
function checkDistinct(entries: Record<string, unknown>[], problems: ConfigProblems): void {
  const seen = new Map<string, string>()
  const secrets = new Map<string, { name: string; shared: boolean }[]>()
  for (const [index, entry] of entries.entries()) {
    const name = String(entry.NAME ?? index)
    for (const [key, identity, problem] of [
      ['NAME', `name ${entry.NAME}`, 'another widget has this NAME'],
      ['TOKEN_PATH', `path ${entry.TOKEN_PATH ?? '/token'}`, 'another widget answers on this path'],
      ['WIDGET_ID', `id ${entry.WIDGET_ID}`, 'another widget has this WIDGET_ID'],
    ]) {
      const owner = seen.get(identity)
      if (owner !== undefined) problems.add(`WIDGETS[${name}].${key}`, `${problem} ("${owner}"); each needs its own`)
      else seen.set(identity, name)
    }
    const secret = String(entry.SECRET ?? 'CONNECT_SECRET')
    secrets.set(secret, [...(secrets.get(secret) ?? []), { name, shared: entry.SHARE_SECRET === true }])
  }
  for (const [secret, users] of secrets) {
    if (users.length < 2 || users.every((user) => user.shared)) continue
    for (const user of users.slice(1)) {
      problems.add(
        `WIDGETS[${user.name}].SECRET`,
        `"${secret}" also signs "${users[0].name}"'s tokens: give each widget its own secret, or set SHARE_SECRET = true on every widget that shares it`,
      )
    }
  }
}
