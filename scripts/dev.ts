/**
 * @module `npm run dev [-- --env NAME …]`: the development Worker (`src/dev.ts`), after the
 * same configuration check a deployment runs, with the local secrets included.
 *
 * A fresh checkout gets demo secrets: `.dev.vars` (or `.dev.vars.NAME`, wrangler's file for
 * one environment) is written from `.dev.vars.example` with the secrets that environment
 * needs, and is left alone once it exists. Other arguments go to `wrangler dev` unchanged.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import { unstable_readConfig } from 'wrangler'
import { checkEnvironment, printReport } from './check-config.ts'
import { startCrossOriginDemo } from './lib/cross-origin-demo.ts'
import { importConfigValidator } from './lib/import-worker-module.ts'
import { configArg, environmentArg, runWrangler } from './lib/wrangler-cli.ts'

const EXAMPLE = '.dev.vars.example'

async function ensureLocalSecrets(environment: string | undefined, configPath: string): Promise<void> {
  const file = environment ? `.dev.vars.${environment}` : '.dev.vars'
  if (existsSync(file)) return
  const { checkVars } = await importConfigValidator()
  const { neededSecrets } = await checkVars(unstable_readConfig({ config: configPath, env: environment }).vars)
  const demo = parseEnv(readFileSync(EXAMPLE, 'utf8'))
  const lines = neededSecrets.map((name) => `${name}=${JSON.stringify(demo[name] ?? '')}`)
  writeFileSync(
    file,
    `# Demo secrets for \`npm run dev${environment ? ` -- --env ${environment}` : ''}\`, written from ${EXAMPLE}.\n# Public and fake: replace them with your own to try real sessions. Never commit this file.\n${lines.join('\n')}\n`,
  )
  console.log(`Created ${file} from ${EXAMPLE} (demo secrets: ${neededSecrets.join(', ')}; edit it for your own).`)
}

async function main() {
  const args = process.argv.slice(2)
  const environment = environmentArg(args)
  await ensureLocalSecrets(environment, configArg(args))
  const report = await checkEnvironment(environment, true, configArg(args))
  if (report.problems.length > 0) {
    printReport(report, true)
    process.exitCode = 1
    return
  }
  const { wranglerArgs } = await startCrossOriginDemo(args)
  runWrangler(['dev', 'src/dev.ts', ...wranglerArgs])
}

await main()
