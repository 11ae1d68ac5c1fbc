/**
 * @module `npm run check-config [-- --env NAME | --all] [--local] [--config PATH] [--var K:V]`:
 * the Worker's own configuration validator, run over the Wrangler configuration file
 * (`wrangler.json`, `wrangler.jsonc` or `wrangler.toml`) before anything ships.
 *
 * Without `--local` it is the check `npm run deploy` runs: the vars, the entry, the template's
 * placeholders (as warnings here) and, when wrangler has credentials, the names of the
 * deployed secrets. With `--local` it is the check `npm run dev` runs: the env `wrangler dev`
 * gives the Worker, local secrets and bindings included (`--env-file` as wrangler takes it).
 * Every problem is printed; the exit code is 1 if there is any.
 */
import { checkDeployed, checkLocal, failed, printReport } from './lib/checks.ts'
import { runScript } from './lib/wrangler-config.ts'
import { openRun, type Target, targetOf } from './lib/wrangler-env.ts'

await runScript(async () => {
  const argv = process.argv.slice(2)
  const local = argv.includes('--local')
  const run = openRun(local ? 'dev' : 'deploy', argv, { all: 'boolean', local: 'boolean' })
  // --all means each environment of the file by name, whatever CLOUDFLARE_ENV says.
  if (run.args.own.all) delete process.env.CLOUDFLARE_ENV
  const targets: Target[] = run.args.own.all
    ? [{}, ...run.file.environments.map((name) => ({ environment: name, envFlag: name }))]
    : [targetOf(run)]
  const reports = await Promise.all(
    targets.map((target) =>
      local
        ? checkLocal(run, target, { addDemo: false, quiet: false })
        : checkDeployed(run, target, { placeholders: 'warn', secrets: 'check', quiet: false }),
    ),
  )
  for (const report of reports) printReport(report)
  if (reports.some(failed)) {
    console.log(`\nFix the problems above, then run the check again.`)
    process.exitCode = 1
  }
})
