/**
 * @module `npm run sizes [-- --write]`: what the token route adds to an app's bundle, by session
 * source, and the standalone Worker's size, as `wrangler deploy --dry-run` reports them.
 *
 * The Hono app of `examples/hono-app` is measured without the token route (its `src/shop.ts`
 * alone), then with `widgetToken({ widgetId, session })` and one session source at a time with
 * the options it cannot do without, each an entry written next to the example so that it
 * resolves the packed package installed there: the difference is the route's share, the budget's
 * measure. The example as it ships (its mapping and cookie name, the app's own data) is a row too. `--write` puts the table between the README's `<!-- sizes -->` markers;
 * `--check` (CI) fails when a budget is over or the README's table is not the measured one.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { builtSourceFlags } from './lib/built-source.ts'
import { PROJECT_ROOT } from './lib/import-worker-module.ts'
import { EXAMPLES_DIR, installInto, packTarball } from './lib/packed.ts'
import { captureWrangler } from './lib/wrangler-cli.ts'

const APP = join(EXAMPLES_DIR, 'hono-app')
const ENTRIES = join(APP, '.sizes')

/** Each source as an app would mount it, the options a deployment of it would take. */
const SOURCES: Record<string, { factory: string; imports?: string[]; options: string; budgetKiB?: number }> = {
  'jwtCookie (HS256)': {
    factory: 'jwtCookie',
    options: "{ algorithms: ['HS256'], secret: 'SESSION_SECRET', issuer: 'https://shop.example.com' }",
    budgetKiB: 20,
  },
  'jwtCookie (JWKS, RS256)': {
    factory: 'jwtCookie',
    imports: ['jwks'],
    options: "{ algorithms: ['RS256'], keys: jwks('https://login.example.com/.well-known/jwks.json') }",
  },
  introspection: { factory: 'introspection', options: "{ url: 'https://shop.example.com/api/me' }" },
  cognito: { factory: 'cognito', options: "{ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' }" },
  authjs: { factory: 'authjs', options: "{ secret: 'AUTH_SECRET' }" },
}

/** The standalone Worker's budget (issue 16). */
const STANDALONE_BUDGET_KIB = 35

interface Size {
  minifiedKiB: number
  gzipKiB: number
}

async function dryRun(args: string[]): Promise<Size> {
  const { code, stdout, stderr } = await captureWrangler([
    'deploy',
    '--dry-run',
    '--outdir',
    join(ENTRIES, 'out'),
    ...args,
  ])
  const match = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(stdout + stderr)
  if (code !== 0 || !match) throw new Error(`wrangler deploy --dry-run ${args.join(' ')} failed:\n${stdout}${stderr}`)
  return { minifiedKiB: Number(match[1]), gzipKiB: Number(match[2]) }
}

function entry(name: string, code: string): string {
  const path = join(ENTRIES, `${name}.ts`)
  writeFileSync(path, code)
  return path
}

async function measure() {
  rmSync(ENTRIES, { recursive: true, force: true })
  mkdirSync(ENTRIES, { recursive: true })
  const config = ['--config', join(APP, 'wrangler.jsonc')]
  const base = await dryRun([...config, entry('shop', "export { shop as default } from '../src/shop'\n")])
  const rows: { what: string; total: Size; shareKiB: number; budgetKiB?: number }[] = []
  for (const [what, { factory, imports = [], options, budgetKiB }] of Object.entries(SOURCES)) {
    const code = `import { ${[factory, ...imports].join(', ')}, widgetToken } from 'connect-widget-token'
import { shop } from '../src/shop'

shop.all('/chat/token', widgetToken({ widgetId: 'w', session: ${factory}(${options}) }))
export default shop
`
    const total = await dryRun([...config, entry(factory + rows.length, code)])
    rows.push({ what, total, shareKiB: round(total.gzipKiB - base.gzipKiB), budgetKiB })
  }
  // The example as it ships (its main: the route with its mapping and cookie name), for comparison: no budget.
  const shipped = await dryRun(config)
  rows.push({
    what: 'its own options, as `src/index.ts` ships them (HS256)',
    total: shipped,
    shareKiB: round(shipped.gzipKiB - base.gzipKiB),
  })
  // As `npm run deploy` builds the template (a JWT cookie), and with every source, as a bare `wrangler deploy` would.
  const template = ['--config', join(PROJECT_ROOT, 'wrangler.toml')]
  const standalone = await dryRun([...template, ...builtSourceFlags({})])
  const everySource = await dryRun(template)
  rmSync(ENTRIES, { recursive: true, force: true })
  return { base, rows, standalone, everySource }
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}

function table({ base, rows, standalone, everySource }: Awaited<ReturnType<typeof measure>>): string {
  const verdict = (value: number, budget?: number) =>
    budget === undefined ? '' : value <= budget ? ` (≤ ${budget} ✓)` : ` (over ${budget} ✗)`
  return [
    '| bundle | minified KiB | gzip KiB | the token route’s share, gzip KiB |',
    '|---|--:|--:|--:|',
    `| examples/hono-app without the token route | ${base.minifiedKiB} | ${base.gzipKiB} | – |`,
    ...rows.map(
      (row) =>
        `| … with \`widgetToken()\` and ${row.what} | ${row.total.minifiedKiB} | ${row.total.gzipKiB} | **${row.shareKiB}**${verdict(row.shareKiB, row.budgetKiB)} |`,
    ),
    `| the standalone Worker as \`npm run deploy\` builds \`wrangler.toml\` (a JWT cookie) | ${standalone.minifiedKiB} | **${standalone.gzipKiB}**${verdict(standalone.gzipKiB, STANDALONE_BUDGET_KIB)} | – |`,
    `| … built with every session source (a bare \`wrangler deploy\`) | ${everySource.minifiedKiB} | ${everySource.gzipKiB} | – |`,
  ].join('\n')
}

const write = process.argv.includes('--write')
const check = process.argv.includes('--check')
if (!process.argv.includes('--installed')) installInto(APP, packTarball())
const sizes = await measure()
const text = table(sizes)
console.log(text)
const readmePath = join(PROJECT_ROOT, 'README.md')
const markers = /(<!-- sizes -->\n)([\s\S]*?)(\n?<!-- \/sizes -->)/
const readme = readFileSync(readmePath, 'utf8')
const written = markers.exec(readme)
if (!written) throw new Error('README.md has no <!-- sizes --> … <!-- /sizes --> section')
if (write) {
  writeFileSync(readmePath, readme.replace(markers, `$1${text}\n<!-- /sizes -->`))
  console.log('\nWrote the table into README.md')
}
if (check) {
  // CI: every budget holds, and the README's table is this one (within 0.5 KiB a cell: a
  // dependency's patch release moves the last digit, not the story).
  const over = text.includes('✗')
  const stale = !sameFigures(written[2], text)
  if (over) console.log('\n✗ a bundle is over its budget (issue 16): see the table above')
  if (stale) console.log("\n✗ README.md's size table is not this one: run npm run sizes -- --write")
  if (over || stale) process.exitCode = 1
  else console.log("\n✓ every budget holds, and README.md's table is current")
}

function sameFigures(documented: string, measured: string): boolean {
  const figures = (table: string) => [...table.matchAll(/\d+(?:\.\d+)?(?= |\*|$)/gm)].map((match) => Number(match[0]))
  const [a, b] = [figures(documented), figures(measured)]
  return a.length === b.length && a.every((value, index) => Math.abs(value - b[index]) <= 0.5)
}
