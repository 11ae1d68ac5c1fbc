/**
 * @module `npm run dev [-- --env NAME …]`: the development Worker (`src/dev.ts`), after the
 * same configuration check a deployment runs, with the local secrets included.
 *
 * A fresh checkout gets demo secrets: `.dev.vars` (or `.dev.vars.NAME`, wrangler's file for
 * one environment) is written from `.dev.vars.example` with the secrets that environment
 * needs, and is left alone once it exists. Other arguments go to `wrangler dev` unchanged.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { parseEnv } from 'node:util'
import { unstable_readConfig } from 'wrangler'
import { checkEnvironment, printReport } from './check-config.ts'
import { importConfigValidator } from './lib/import-worker-module.ts'
import { configArg, environmentArg, optionArg, runWrangler } from './lib/wrangler-cli.ts'

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

/**
 * The cross-origin half of the demo page: http://localhost:8080 (an origin the demo config
 * allows) serves the Worker's `/dev/cross-origin` page, as a site on another origin would.
 */
function serveCrossOriginDemo(workerPort: number): void {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (url.pathname !== '/') return response.writeHead(404).end()
    try {
      const page = await fetch(`http://localhost:${workerPort}/dev/cross-origin${url.search}`)
      response.writeHead(page.status, { 'content-type': 'text/html; charset=utf-8' }).end(await page.text())
    } catch {
      response.writeHead(502).end('wrangler dev is not answering yet')
    }
  })
  server.on('error', (error) => console.log(`The cross-origin demo page is off (localhost:8080: ${error.message}).`))
  server.listen(8080, 'localhost')
  server.unref()
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
  serveCrossOriginDemo(Number(optionArg(args, '--port', '-p') ?? 8787))
  runWrangler(['dev', 'src/dev.ts', ...args])
}

await main()
