/**
 * @module `npm run secret -- NAME [--env NAME] [--config PATH] [--name WORKER]`: sets one
 * deployed secret with `wrangler secret put`, after checking its value by the validator's own
 * rules: never empty or padded, and a widget's key (`CONNECT_SECRET`, or a widget's own
 * `SECRET` name from `WIDGETS`) exactly the console's 44 characters.
 *
 * The value is read from standard input: typed at a prompt that does not echo it, or piped
 * (`pbpaste | npm run secret -- CONNECT_SECRET --env production`). It is never printed, and
 * never on a command line, where it would stay in the shell's history. Without credentials
 * for wrangler it stops before asking, as the deployment check says it (`wrangler secret list`).
 */
import { createInterface } from 'node:readline/promises'
import { Writable } from 'node:stream'
import { deployedSecretNames } from './lib/deployed-secrets.ts'
import { importConfigValidator } from './lib/import-worker-module.ts'
import { runWrangler } from './lib/wrangler-cli.ts'
import { runScript, ScriptError } from './lib/wrangler-config.ts'
import { openRun, targetOf, varsOf } from './lib/wrangler-env.ts'

/** The value as typed, with nothing echoed, or as piped in. */
async function readValue(name: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  }
  // readline puts the terminal in raw mode (no echo by the terminal) and echoes what it reads
  // to its output: a sink that drops it keeps the value off the screen. The prompt comes after,
  // so that nothing typed at once is echoed by the terminal first.
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() })
  const prompt = createInterface({ input: process.stdin, output: silent, terminal: true })
  process.stderr.write(`Value of ${name} (not shown): `)
  try {
    return await new Promise<string>((typed, cancelled) => {
      prompt.on('SIGINT', () => cancelled(new ScriptError('\nNot uploaded.')))
      prompt.question('').then(typed, cancelled)
    })
  } finally {
    prompt.close()
    process.stderr.write('\n')
  }
}

await runScript(async () => {
  const run = openRun('secret put', process.argv.slice(2))
  const name = run.args.positionals.key
  if (!name) throw new ScriptError('usage: npm run secret -- NAME [--env NAME] [--config PATH]   (the value on stdin)')
  const validator = await importConfigValidator()
  const vars = varsOf(run, targetOf(run))
  if (validator.SETTINGS[name] === 'var') {
    throw new ScriptError(`✗ ${name} is a var, not a secret: set it in ${run.file.label}`)
  }
  if (!validator.isSecretName(name, vars)) {
    console.log(`⚠ ${name} is not a secret this configuration reads; setting it anyway`)
  }
  // Asked as the deployment check asks, before the key is typed: wrangler would only fail after it.
  const worker = typeof run.args.values.name === 'string' ? run.args.values.name : undefined
  const deployed = await deployedSecretNames(run.file.path, targetOf(run).environment, worker)
  if (!deployed.checked && deployed.noCredentials) throw new ScriptError(`✗ ${deployed.why}\nNot uploaded.`)
  // wrangler stores the value without its trailing white space (a pasted newline): check that value.
  const value = (await readValue(name)).replace(/\s+$/, '')
  const problem = validator.secretValueProblem(name, value, vars)
  if (problem) throw new ScriptError(`✗ ${name}: ${problem}\nNot uploaded.`)
  process.exitCode = await runWrangler(['secret', 'put', ...run.args.passOn], { input: value })
})
