/**
 * @module `npm run dev [-- wrangler dev flags]`: the development Worker (`src/dev.ts`), after
 * the check a deployment runs, over the very env `wrangler dev` gives the Worker: the
 * configuration file's vars and bindings, the local secrets file, `--var`, `--env-file`,
 * `--env` or `CLOUDFLARE_ENV`, `--config` (see `lib/wrangler-env.ts`).
 *
 * The secrets the configuration needs and the local file lacks are added to it as demo values
 * (`.dev.vars.example`), marked as such; one without a demo value is named, with the line to
 * add. Secrets left from another configuration are a warning. Other arguments go to
 * `wrangler dev` unchanged; an entry given on the command line replaces `src/dev.ts`.
 */
import { checkLocal, failed, printReport } from './lib/checks.ts'
import { startCrossOriginDemo } from './lib/cross-origin-demo.ts'
import { runWrangler } from './lib/wrangler-cli.ts'
import { DEVELOPMENT_ENTRY, runScript } from './lib/wrangler-config.ts'
import { openRun, targetOf } from './lib/wrangler-env.ts'

await runScript(async () => {
  // `--demo-port` is this script's own: the demo's cross-origin half, never wrangler's.
  const run = openRun('dev', process.argv.slice(2), { 'demo-port': 'string' })
  const report = await checkLocal(run, targetOf(run), { addDemo: true, quiet: true })
  printReport(report, { brief: true })
  if (failed(report)) {
    console.log('\nNot started: fix the problems above first.')
    process.exitCode = 1
    return
  }
  const demoPort = run.args.own['demo-port']
  const demo = await startCrossOriginDemo(
    [...(typeof demoPort === 'string' ? ['--demo-port', demoPort] : []), ...run.args.passOn],
    { allows: report.allowsOrigin },
  )
  const entry = run.args.script ? [] : [DEVELOPMENT_ENTRY]
  process.exitCode = await runWrangler(['dev', ...entry, ...demo.wranglerArgs])
})
