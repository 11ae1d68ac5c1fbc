/**
 * @module The standalone Worker's session sources: one registry line per source module, and the
 * vars that choose one (`SESSION_SOURCE`, `SESSION_PROVIDER`). Each module holds its options,
 * their vars, its checks and its verification (`src/session/recipe.ts`); this file only picks.
 */
import { ConfigError } from '../errors.ts'
import { INTROSPECTION } from '../session/introspection.ts'
import { JWT_COOKIE } from '../session/jwt-cookie.ts'
import { KV_SESSIONS } from '../session/kv.ts'
import { AUTHJS, NEXTAUTH_V4 } from '../session/providers/authjs.ts'
import { CLERK } from '../session/providers/clerk.ts'
import { COGNITO } from '../session/providers/cognito.ts'
import { FIREBASE } from '../session/providers/firebase.ts'
import { SUPABASE } from '../session/providers/supabase.ts'
import type { SessionRecipe } from '../session/recipe.ts'
import type { SessionSource } from '../session/source.ts'
import { fromVars } from './input.ts'
import type { ConfigProblems } from './problems.ts'
import { optionalString } from './values.ts'

/**
 * The one source a deployment was built for, when `npm run deploy` (or `dry-run`) built it:
 * `--define __SESSION_SOURCE__:"…"`, so that its bundle holds that source's module alone (31 KiB
 * gzip instead of 40: Auth.js's JWE alone is 4.6). Everywhere else (tests, `npm run dev`, the
 * configuration check, a bare `wrangler deploy`): every source. Each entry below compares the
 * define itself, which esbuild folds to a constant, so the other recipes' imports go unused.
 */
declare const __SESSION_SOURCE__: string | undefined
const BUILT_FOR = typeof __SESSION_SOURCE__ === 'string' ? __SESSION_SOURCE__ : undefined

/** `SESSION_SOURCE`'s values: where sessions come from. */
export const SOURCES: Readonly<Record<string, SessionRecipe | undefined>> = {
  jwt: typeof __SESSION_SOURCE__ === 'undefined' || __SESSION_SOURCE__ === 'jwt' ? JWT_COOKIE : undefined,
  introspection:
    typeof __SESSION_SOURCE__ === 'undefined' || __SESSION_SOURCE__ === 'introspection' ? INTROSPECTION : undefined,
  kv: typeof __SESSION_SOURCE__ === 'undefined' || __SESSION_SOURCE__ === 'kv' ? KV_SESSIONS : undefined,
}

/** `SESSION_PROVIDER`'s values: an identity provider's own cookies. */
export const PROVIDERS: Readonly<Record<string, SessionRecipe | undefined>> = {
  cognito: typeof __SESSION_SOURCE__ === 'undefined' || __SESSION_SOURCE__ === 'cognito' ? COGNITO : undefined,
  authjs: typeof __SESSION_SOURCE__ === 'undefined' || __SESSION_SOURCE__ === 'authjs' ? AUTHJS : undefined,
  'nextauth-v4':
    typeof __SESSION_SOURCE__ === 'undefined' || __SESSION_SOURCE__ === 'nextauth-v4' ? NEXTAUTH_V4 : undefined,
  supabase: typeof __SESSION_SOURCE__ === 'undefined' || __SESSION_SOURCE__ === 'supabase' ? SUPABASE : undefined,
  clerk: typeof __SESSION_SOURCE__ === 'undefined' || __SESSION_SOURCE__ === 'clerk' ? CLERK : undefined,
  firebase: typeof __SESSION_SOURCE__ === 'undefined' || __SESSION_SOURCE__ === 'firebase' ? FIREBASE : undefined,
}

const RECIPES = [...Object.values(SOURCES), ...Object.values(PROVIDERS)].filter((recipe) => recipe !== undefined)

/**
 * Every var some source reads: set while another source is chosen, it would be ignored. The
 * cookie's name is the exception: the demo and many configurations set it once for whichever
 * source, and a provider with names of its own (Cognito, Supabase, Clerk) reads its own.
 */
const SHARED_VARS = new Set(['SESSION_COOKIE'])
const SOURCE_VARS = new Set(
  RECIPES.flatMap((recipe) => Object.values(recipe.vars)).filter((name) => !SHARED_VARS.has(name)),
)

export interface ChosenSource {
  recipe: SessionRecipe
  /** `SESSION_SOURCE = "kv"`, or `SESSION_PROVIDER "clerk"`: how problems name the choice. */
  named: string
  settings: unknown
  source: SessionSource
}

/** The recipe the vars choose, or a problem; `undefined` after recording it. */
export function chosenRecipe(env: Record<string, unknown>): { recipe: SessionRecipe; named: string } {
  if (env.SESSION_PROVIDER !== undefined) {
    if (env.SESSION_SOURCE !== undefined) {
      throw new ConfigError('SESSION_SOURCE', 'set either SESSION_SOURCE or SESSION_PROVIDER, not both')
    }
    return pick('SESSION_PROVIDER', PROVIDERS, env.SESSION_PROVIDER, undefined)
  }
  return pick('SESSION_SOURCE', SOURCES, env.SESSION_SOURCE, 'jwt')
}

function pick(
  key: string,
  recipes: Readonly<Record<string, SessionRecipe | undefined>>,
  value: unknown,
  fallback?: string,
) {
  const name = optionalString(key, value) ?? fallback
  if (name === undefined || !Object.hasOwn(recipes, name)) {
    throw new ConfigError(key, `must be one of ${Object.keys(recipes).join(', ')}, got "${name}"`)
  }
  const recipe = recipes[name]
  if (!recipe) {
    throw new ConfigError(
      key,
      `this Worker was built for "${BUILT_FOR}" sessions only (npm run deploy bundles the source its configuration chooses): deploy it again with npm run deploy`,
    )
  }
  return { recipe, named: `${key} ${key === 'SESSION_SOURCE' ? `= "${name}"` : `"${name}"`}` }
}

/** The chosen source's settings from the vars, every mistake recorded, and the source built from them. */
export async function readSource(
  env: Record<string, unknown>,
  problems: ConfigProblems,
  secretsGiven: boolean,
): Promise<ChosenSource | undefined> {
  const chosen = problems.read(() => chosenRecipe(env))
  if (!chosen) return undefined
  const { recipe, named } = chosen
  const own = new Set(Object.values(recipe.vars))
  for (const name of SOURCE_VARS) {
    if (!own.has(name) && env[name] !== undefined) problems.add(name, `does not apply to ${named}: remove it`)
  }
  const input = fromVars(env, recipe.vars, { secretsGiven })
  const settings = recipe.read(input, problems)
  if (settings === undefined) return undefined
  await recipe.check?.(settings, input, problems)
  return { recipe, named, settings, source: recipe.create(settings) }
}

/** The secrets the chosen source needs, and those it reads when set, by var name. */
export function sourceSecrets(env: Record<string, unknown>): { needed: string[]; optional: string[] } {
  let chosen: { recipe: SessionRecipe } | undefined
  try {
    chosen = chosenRecipe(env)
  } catch {
    return { needed: [], optional: [] }
  }
  return chosen.recipe.secrets(fromVars(env, chosen.recipe.vars, { secretsGiven: false }))
}
