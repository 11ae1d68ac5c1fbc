/**
 * @module `npm run dry-run [-- --config PATH | --env NAME | wrangler deploy flags]`: the check
 * `npm run deploy` runs, for every environment of the configuration file (the top level
 * first; only `--env`'s, or `CLOUDFLARE_ENV`'s, when given), then `wrangler deploy --dry-run` of each into
 * `dist/<environment>`. Nothing is uploaded: the deployed secrets are not checked, and the
 * template's placeholders are warnings, so that CI can bundle the shipped template.
 */
import { builtSourceFlags } from './lib/built-source.ts'
import { checkDeployed, failed, printReport } from './lib/checks.ts'
import { withoutFlags } from './lib/wrangler-args.ts'
import { runWrangler } from './lib/wrangler-cli.ts'
import { runScript } from './lib/wrangler-config.ts'
import { openRun, type Target, varsOf } from './lib/wrangler-env.ts'

await runScript(async () => {
  const argv = process.argv.slice(2)
  const run = openRun('deploy', argv)
  const only = run.args.environment
  const targets: Target[] =
    only === undefined
      ? [{}, ...run.file.environments.map((name) => ({ environment: name, envFlag: name }))]
      : [{ environment: only, envFlag: only }]
  const options = { placeholders: 'warn', secrets: { notChecked: 'a dry run uploads nothing' } } as const
  const reports = await Promise.all(targets.map((target) => checkDeployed(run, target, options)))
  for (const report of reports) printReport(report)
  if (reports.some(failed)) {
    console.log('\nNot bundled: fix the problems above first.')
    process.exitCode = 1
    return
  }
  const outdir = typeof run.args.values.outdir === 'string' ? run.args.values.outdir : 'dist'
  const rest = withoutFlags('deploy', argv, ['env', 'config', 'outdir', 'dry-run'])
  for (const target of targets) {
    const { environment } = target
    // `--env=""` is wrangler's name for the top level: without it, wrangler warns that no environment was given.
    const envFlags = environment ? ['--env', environment] : ['--env=']
    const code = await runWrangler([
      'deploy',
      '--dry-run',
      ...builtSourceFlags(varsOf(run, target)),
      '--config',
      run.file.path,
      '--outdir',
      `${outdir}/${environment ?? 'top-level'}`,
      ...envFlags,
      ...rest,
    ])
    if (code !== 0) {
      process.exitCode = code
      return
    }
  }
})
