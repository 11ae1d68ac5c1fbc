/**
 * @module `npm run inspect -- <token> [--widget-id ID]`: decodes an Amazon Connect widget
 * token and checks it against every rule of the widget's contract, with the same code the
 * demo page uses (`src/token-rules.ts`).
 *
 * The signature is verified when the widget's security key is in the `CONNECT_SECRET`
 * environment variable: a key on the command line would land in the shell's history. A
 * token of `-` is read from standard input. The exit code is 1 when any rule fails.
 */
import { readFileSync } from 'node:fs'
import type * as TokenRules from '../src/token-rules.ts'
import { importWorkerModule } from './lib/import-worker-module.ts'

const MARKS = { pass: '✓', fail: '✗', skip: '–' } as const

function usage(): never {
  console.error('usage: npm run inspect -- <token | -> [--widget-id ID]   (key: CONNECT_SECRET in the environment)')
  process.exit(2)
}

const args = process.argv.slice(2)
const positional: string[] = []
let widgetId: string | undefined
for (let index = 0; index < args.length; index++) {
  if (args[index] === '--widget-id') widgetId = args[++index]
  else positional.push(args[index])
}
const given = positional[0]
if (!given) usage()
const token = (given === '-' ? readFileSync(0, 'utf8') : given).trim()

const { inspectWidgetToken } = await importWorkerModule<typeof TokenRules>('src/token-rules.ts')
const secret = process.env.CONNECT_SECRET
const inspection = await inspectWidgetToken(token, {
  key: secret ? new TextEncoder().encode(secret) : undefined,
  widgetId,
})
if (inspection.header) console.log(`header  ${JSON.stringify(inspection.header)}`)
if (inspection.claims)
  console.log(`claims  ${JSON.stringify(inspection.claims, null, 2).replaceAll('\n', '\n        ')}`)
for (const { rule, verdict, detail } of inspection.rules) console.log(`${MARKS[verdict]} ${rule}: ${detail}`)
if (!secret) console.log('  (set CONNECT_SECRET in the environment to verify the signature)')
console.log(inspection.valid ? 'The widget would accept this token.' : 'The widget would refuse this token.')
process.exitCode = inspection.valid ? 0 : 1
