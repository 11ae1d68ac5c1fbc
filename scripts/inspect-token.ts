/**
 * @module `npm run inspect -- <token> [--widget-id ID]`: decodes an Amazon Connect widget
 * token and checks it against every rule of the widget's contract, with the same code the
 * demo page uses (`src/token-rules.ts`).
 *
 * The signature is verified when the widget's security key is in the `CONNECT_SECRET`
 * environment variable: a key on the command line would land in the shell's history. A
 * token of `-` is read from standard input. The exit code is 1 when any rule fails, and 2 for
 * a usage mistake: an unknown flag, a flag without its value, no token or two, a
 * `CONNECT_SECRET` that cannot be a widget key (its length, never its value, is said).
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type * as TokenRules from '../src/token-rules.ts'
import { importWorkerModule } from './lib/import-worker-module.ts'

const MARKS = { pass: '✓', fail: '✗', skip: '–' } as const
const USAGE = 'usage: npm run inspect -- <token | -> [--widget-id ID]   (the key: CONNECT_SECRET in the environment)'

/** The widget key rule the configuration validator holds `CONNECT_SECRET` to (`src/config/widget.ts`). */
interface WidgetKeyRule {
  checkConnectSecret(key: string, value: unknown): string
}

function usageMistake(why: string): never {
  console.error(`${why}\n${USAGE}`)
  process.exit(2)
}

function readArguments() {
  try {
    return parseArgs({
      options: { 'widget-id': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    return usageMistake((error as Error).message)
  }
}

const { values, positionals } = readArguments()
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}
if (positionals.length === 0) usageMistake('no token given')
if (positionals.length > 1) usageMistake(`one token at a time: got ${positionals.length}`)
const widgetId = values['widget-id']
if (widgetId === '') usageMistake('--widget-id needs the widget id')
const token = (positionals[0] === '-' ? readFileSync(0, 'utf8') : positionals[0]).trim()

const { inspectWidgetToken, checkConnectSecret } = await importWorkerModule<typeof TokenRules & WidgetKeyRule>([
  'src/token-rules.ts',
  'src/config/widget.ts',
])
const secret = process.env.CONNECT_SECRET || undefined
const keyProblem = secret === undefined ? undefined : problemOf(() => checkConnectSecret('CONNECT_SECRET', secret))
const inspection = await inspectWidgetToken(token, {
  key: secret && !keyProblem ? new TextEncoder().encode(secret) : undefined,
  widgetId,
})
if (inspection.header) console.log(`header  ${JSON.stringify(inspection.header)}`)
if (inspection.claims)
  console.log(`claims  ${JSON.stringify(inspection.claims, null, 2).replaceAll('\n', '\n        ')}`)
for (const { rule, verdict, detail } of inspection.rules) {
  // A key that cannot be a widget key is not used: say why the signature was not checked.
  const why = rule === 'signature' && keyProblem ? 'not checked: CONNECT_SECRET is no widget key (below)' : detail
  console.log(`${MARKS[verdict]} ${rule}: ${why}`)
}
const unchecked = inspection.rules.some(({ rule, verdict }) => rule === 'signature' && verdict === 'skip')
if (unchecked && !secret) console.log('  (set CONNECT_SECRET in the environment to verify the signature)')
if (!inspection.valid) console.log('The widget would refuse this token.')
else if (keyProblem) console.log(`✗ CONNECT_SECRET: ${keyProblem}: fix it to check the signature.`)
else console.log('The widget would accept this token.')
process.exitCode = !inspection.valid ? 1 : keyProblem ? 2 : 0

/** The validator's problem with a value, or `undefined`. */
function problemOf(check: () => unknown): string | undefined {
  try {
    check()
    return undefined
  } catch (error) {
    const problem = (error as { problem?: unknown }).problem
    if (typeof problem !== 'string') throw error
    return problem
  }
}
