import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importConfigValidator, importWorkerModule } from '../../scripts/lib/import-worker-module'
import { SETTINGS } from '../../src/config/settings'
import { DEV_ERROR_CODES } from '../../src/dev/errors'
import { ERROR_CODES } from '../../src/errors'

type Vars = Record<string, string>
/** The registry and the widget's vars, as the Worker bundles them (their modules are Workers code). */
const { PROVIDERS, SOURCES, WIDGET_VARS } = await importWorkerModule<{
  SOURCES: Record<string, { vars: Vars; options?: string[] } | undefined>
  PROVIDERS: Record<string, { vars: Vars; options?: string[] } | undefined>
  WIDGET_VARS: Vars
}>(['src/config/sources.ts', 'src/config/widget.ts'])

/** Keeps the README true: every error code and every var the Worker reads is documented. */
const readme = readFileSync('README.md', 'utf8')

describe('README.md', () => {
  it.each(Object.entries({ ...ERROR_CODES, ...DEV_ERROR_CODES }))(
    'Should list %s with its status',
    (code, { status }) => {
      expect(readme).toMatch(new RegExp(`\\|\\s*${status}\\s*\\|\\s*\`${code}\`\\s*\\|`))
    },
  )

  it('Should document every var and secret the configuration reads', () => {
    for (const name of Object.keys(SETTINGS)) expect(readme, name).toMatch(new RegExp(`\\|\\s*\`${name}\`\\s*\\|`))
  })

  // The vars each recipe and the widget read, and any `env.X` in the code: all of them in SETTINGS (so in the
  // README), and no SETTINGS entry that no code names any more.
  it('Should list only settings the configuration knows, and every one it reads', () => {
    const code = (readdirSync('src', { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts') && file !== join('config', 'settings.ts'))
      .map((file) => readFileSync(join('src', file), 'utf8'))
      .join('\n')
    const recipes = [...Object.values(SOURCES), ...Object.values(PROVIDERS)]
    const read = new Set([
      ...Object.values(WIDGET_VARS).filter(Boolean),
      ...recipes.flatMap((recipe) => Object.values(recipe?.vars ?? {}).filter(Boolean)), // '' is an option with no var
      ...[...code.matchAll(/env\.([A-Z][A-Z_]+)/g)].map((match) => match[1]),
    ])
    read.delete('DEV_CROSS_ORIGIN_DEMO') // `npm run dev`'s own, outside the Worker's namespace (README, "Try it")
    expect(read.size).toBeGreaterThan(30)
    for (const name of read) expect(Object.keys(SETTINGS), name).toContain(name)
    for (const name of Object.keys(SETTINGS)) expect(code, name).toMatch(new RegExp(`['.]${name.replace(/_\d$/, '_')}`))
  })

  // "Use it in your own app": each example is the file `npm run examples` tests on the packed package.
  it.each([...readme.matchAll(/```ts\n\/\/ (examples\/\S+)\n([\s\S]*?)```/g)].map(([, path, code]) => [path, code]))(
    'Should show %s exactly as the example holds it',
    (path, code) => {
      const file = readFileSync(path, 'utf8').replace(/^\/\*\*[\s\S]*?\*\/\n/, '')
      expect(code).toBe(file)
    },
  )

  // "Use it in your own app": the options tables are the code's own lists.
  const tableAfter = (lead: string) => {
    const start = readme.indexOf('| option |', readme.indexOf(lead))
    const rows = readme.slice(start, readme.indexOf('\n\n', start)).split('\n').slice(2)
    return rows.map((row) => row.split(' | ').map((cell) => cell.replace(/^\| /, '').replace(/ \|$/, '')))
  }

  it('Should list every option of widgetToken(), and the var each stands for', async () => {
    const { WIDGET_TOKEN_OPTIONS } = await importWorkerModule<{ WIDGET_TOKEN_OPTIONS: string[] }>('src/handler.ts')
    const rows = tableAfter('The options of `widgetToken()` and `widgetTokenFetch()`')
    const nested = ['guests.mapping', 'guests.turnstile']
    expect(rows.map(([option]) => option.replaceAll('`', '')).sort()).toEqual(
      [...WIDGET_TOKEN_OPTIONS.filter((option) => option !== 'guests'), ...nested].sort(),
    )
    for (const [, , vars] of rows) {
      for (const [, name] of vars.matchAll(/`([A-Z_]+)`/g)) expect(Object.keys(SETTINGS)).toContain(name)
    }
  })

  it("Should list every session factory's options, each with the var the recipe reads it from", () => {
    const recipeOf: Record<string, string> = { jwtCookie: 'jwt', kvSessions: 'kv', nextAuthV4: 'nextauth-v4' }
    const start = readme.indexOf('| factory | sessions | options (the var each stands for) |')
    const rows = readme.slice(start, readme.indexOf('\n\n', start)).split('\n').slice(2)
    const listed = rows.map((row) => {
      const [factory, , options] = row.split(' | ').map((cell) => cell.replace(/^\| /, '').replace(/ \|$/, ''))
      const name = factory.replace(/^`(\w+)\(\)`$/, '$1')
      // Each option, and the var in the parentheses after it (`keys` names its key specs instead).
      const pairs = [...options.matchAll(/`(\w+)` \((?:`([A-Z0-9_]+)`|[^)]*\))\)?/g)].map(([, option, env]) => [
        option,
        env,
      ])
      return { recipe: recipeOf[name] ?? name, pairs }
    })
    const recipes = { ...SOURCES, ...PROVIDERS }
    expect(listed.map(({ recipe }) => recipe).sort()).toEqual(Object.keys(recipes).sort())
    for (const { recipe, pairs } of listed) {
      const { vars, options } = recipes[recipe] as { vars: Vars; options?: string[] }
      expect(
        pairs.map(([option]) => option),
        recipe,
      ).toEqual(options ?? Object.keys(vars))
      for (const [option, env] of pairs) expect(env, `${recipe}: ${option}`).toBe(vars[option] || undefined)
    }
  })

  it('Should show both examples', () => {
    expect([...readme.matchAll(/```ts\n\/\/ (examples\/\S+)/g)].map((match) => match[1])).toEqual([
      'examples/hono-app/src/index.ts',
      'examples/worker/src/index.ts',
    ])
  })

  // "npm run deploy refuses them until you do": its sample ids and keys as well as its example.com names.
  it('Should show only sample ids and keys that npm run deploy refuses', async () => {
    // The deployment policy as the scripts run it.
    const { placeholderProblems } = await importConfigValidator()
    const samples = [
      ...readme.matchAll(
        /^(WIDGET_ID|COGNITO_USER_POOL_ID|COGNITO_CLIENT_ID|SUPABASE_PROJECT_REF|FIREBASE_PROJECT_ID|CLERK_PUBLISHABLE_KEY) = "([^"]+)"/gm,
      ),
    ]
    expect(samples.length).toBeGreaterThanOrEqual(12)
    const accepted = samples
      .filter(([, name, value]) => placeholderProblems({ [name]: value }, []).length === 0)
      .map(([line]) => line)
    expect(accepted).toEqual([])
  })

  it('Should open with the commands that run and test the project', () => {
    const firstBlock = readme.slice(readme.indexOf('```sh'), readme.indexOf('```', readme.indexOf('```sh') + 5))
    expect(firstBlock).toContain('npm install && npm run dev')
    expect(firstBlock).toContain('npm test')
  })
})
