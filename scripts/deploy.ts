/**
 * @module `npm run deploy [-- --env NAME …]`: `wrangler deploy`, only after the configuration
 * check passes for that environment. Other arguments go to wrangler unchanged.
 */
import { checkEnvironment, printReport } from './check-config.ts'
import { configArg, environmentArg, runWrangler } from './lib/wrangler-cli.ts'

const args = process.argv.slice(2)
const report = await checkEnvironment(environmentArg(args), false, configArg(args))
printReport(report, false)
if (report.problems.length > 0) {
  console.log('\nNot deployed: fix the problems above first.')
  process.exitCode = 1
} else {
  runWrangler(['deploy', ...args])
}
