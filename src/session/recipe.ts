/**
 * @module What every session source module holds, in one room: its options and the vars the
 * standalone Worker reads them from, its checks (the one validator, whichever names the user
 * wrote), the secrets it needs, and the source it builds. The standalone Worker picks a recipe
 * by `SESSION_SOURCE` / `SESSION_PROVIDER` (`src/config/sources.ts`); a library user calls the
 * module's factory (`jwtCookie({ … })`), which runs the same checks once, when it is called.
 */
import { checkOptions, fromOptions, type SettingsInput } from '../config/input.ts'
import { ConfigProblems } from '../config/problems.ts'
import { configInvalid, InvalidConfigError } from '../errors.ts'
import type { SessionSource } from './source.ts'

export interface SessionRecipe<Name extends string = string, Settings = unknown> {
  /** The value of `SESSION_SOURCE` or `SESSION_PROVIDER` that chooses it. */
  readonly name: string
  /** Each setting, and the var the standalone Worker reads it from. */
  readonly vars: Readonly<Record<Name, string>>
  /** The options a library user may pass, when not every var's name (a JWKS is a spec, not a URL). */
  readonly options?: readonly string[]
  /** The var names of the secrets these settings need, and of those they read when set. */
  secrets(input: SettingsInput<Name>): { needed: string[]; optional: string[] }
  /** Reads and checks every setting, recording each mistake; `undefined` when there is one. */
  read(input: SettingsInput<Name>, problems: ConfigProblems): Settings | undefined
  /** Checks that need to await (a public key that must import), recorded like the others. */
  check?(settings: Settings, input: SettingsInput<Name>, problems: ConfigProblems): Promise<void>
  create(settings: Settings): SessionSource
}

/**
 * A source from a library user's options: every mistake at once, as a `TypeError` naming each
 * option, when the factory is called (as Hono's middleware factories do); checks that need to
 * await run on the first request and answer `500 CONFIG_INVALID` there.
 */
export function sourceFromOptions<Name extends string, Settings>(
  recipe: SessionRecipe<Name, Settings>,
  options: object,
  factory: string,
): SessionSource {
  const problems = new ConfigProblems()
  const known = recipe.options ?? Object.keys(recipe.vars)
  if (!checkOptions(options, known, problems, { call: `${factory}()` })) {
    throw new InvalidConfigError(problems.found, `${factory}()`)
  }
  const input = fromOptions<Name>(options)
  const settings = recipe.read(input, problems)
  if (problems.found.length > 0) throw new InvalidConfigError(problems.found, `${factory}()`)
  const source = recipe.create(settings as Settings)
  const { check } = recipe
  if (!check) return source
  let checked: Promise<void> | undefined
  const checkOnce = () => {
    checked ??= check(settings as Settings, input, problems).then(() => {
      if (problems.found.length > 0) throw configInvalid(problems.found)
    })
    return checked
  }
  return {
    ...source,
    async identify(context) {
      await checkOnce()
      return source.identify(context)
    },
  }
}
