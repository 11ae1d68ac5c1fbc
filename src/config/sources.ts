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

/** `SESSION_SOURCE`'s values: where sessions come from. */
export const SOURCES: Readonly<Record<string, SessionRecipe>> = {
  jwt: JWT_COOKIE,
  introspection: INTROSPECTION,
  kv: KV_SESSIONS,
}

/** `SESSION_PROVIDER`'s values: an identity provider's own cookies. */
export const PROVIDERS: Readonly<Record<string, SessionRecipe>> = {
  cognito: COGNITO,
  authjs: AUTHJS,
  'nextauth-v4': NEXTAUTH_V4,
  supabase: SUPABASE,
  clerk: CLERK,
  firebase: FIREBASE,
}

const RECIPES = [...Object.values(SOURCES), ...Object.values(PROVIDERS)]

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

function pick(key: string, recipes: Readonly<Record<string, SessionRecipe>>, value: unknown, fallback?: string) {
  const name = optionalString(key, value) ?? fallback
  if (name === undefined || !Object.hasOwn(recipes, name)) {
    throw new ConfigError(key, `must be one of ${Object.keys(recipes).join(', ')}, got "${name}"`)
  }
  return { recipe: recipes[name], named: `${key} ${key === 'SESSION_SOURCE' ? `= "${name}"` : `"${name}"`}` }
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
