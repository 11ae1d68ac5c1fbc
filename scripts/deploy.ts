/**
 * @module `npm run deploy [-- wrangler deploy flags] [--allow-placeholders]`: `wrangler deploy`,
 * only after the check passes for that environment (`lib/checks.ts`): the vars, the entry
 * (`src/index.ts`, never the development entry), the template's placeholders, and the
 * deployed secrets, whose names wrangler lists when it has credentials. A dry run uploads
 * nothing, so it needs no credentials: placeholders are warnings there and the deployed
 * secrets are not checked. Other arguments go to wrangler unchanged.
 */
import { builtSourceFlags } from './lib/built-source.ts'
import { checkDeployed, failed, printReport } from './lib/checks.ts'
import { isSet } from './lib/wrangler-args.ts'
import { runWrangler } from './lib/wrangler-cli.ts'
import { runScript } from './lib/wrangler-config.ts'
import { openRun, targetOf, varsOf } from './lib/wrangler-env.ts'

await runScript(async () => {
  const run = openRun('deploy', process.argv.slice(2), { 'allow-placeholders': 'boolean' })
  const dryRun = isSet(run.args.values['dry-run'])
  const report = await checkDeployed(run, targetOf(run), {
    placeholders: isSet(run.args.own['allow-placeholders']) ? 'allow' : dryRun ? 'warn' : 'refuse',
    secrets: dryRun ? { notChecked: 'a dry run uploads nothing' } : 'check',
  })
  printReport(report)
  if (failed(report)) {
    console.log('\nNot deployed: fix the problems above first.')
    process.exitCode = 1
    return
  }
  // Only the session source this configuration chooses is bundled (lib/built-source.ts).
  const source = builtSourceFlags(varsOf(run, targetOf(run)))
  process.exitCode = await runWrangler(['deploy', ...source, ...run.args.passOn])
})
